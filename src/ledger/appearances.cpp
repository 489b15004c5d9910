#include "ledger/appearances.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "ledger/internal/billed_units.h"

namespace figurant::ledger {
namespace {

using ShotKey = std::pair<std::string, std::string>;  // production, shot

// What one shot's units of the performer add up to, before frames become ranges.
struct ShotTally {
  std::set<int> frames;
  std::set<std::string> doubles;
  double screen_seconds = 0;
  double max_height_fraction = 0;
};

// Ascending frames, consecutive ones merged into one range.
std::vector<FrameRange> Ranges(const std::set<int>& frames) {
  std::vector<FrameRange> out;
  for (const int f : frames) {
    if (!out.empty() && out.back().last + 1 == f) {
      out.back().last = f;
    } else {
      out.push_back({f, f});
    }
  }
  return out;
}

// The performer's units (billed to them: the performer of the first render that showed each),
// shot by shot.
Appearances Collect(internal::BilledUnits& units, const std::string& performer) {
  Appearances a;
  a.performer = performer;
  units.ApplyDeclaredRates(a.warnings);
  std::map<ShotKey, ShotTally> shots;
  for (const auto& [key, unit] : units.units()) {
    if (unit.first.performer_id != performer) continue;
    ShotTally& t = shots[{key.frame.production, key.frame.shot}];
    t.frames.insert(key.frame.frame);
    t.doubles.insert(key.double_id);
    t.screen_seconds += unit.seconds;
    t.max_height_fraction = std::max(t.max_height_fraction, unit.height_fraction);
  }
  for (const auto& [key, t] : shots) {
    a.shots.push_back({key.first,
                       key.second,
                       Ranges(t.frames),
                       t.frames.size(),
                       t.screen_seconds,
                       t.max_height_fraction,
                       {t.doubles.begin(), t.doubles.end()}});
    a.screen_seconds += t.screen_seconds;
  }
  units.AddRecordWarnings(a.warnings);
  return a;
}

}  // namespace

Result<Appearances> ComputeAppearances(std::span<const Entry> entries,
                                       const std::string& performer) {
  internal::BilledUnits units;
  for (const Entry& e : entries) FIGURANT_RETURN_IF_ERROR(units.Add(e));
  return Collect(units, performer);
}

Result<Appearances> ComputeAppearances(const Ledger& ledger, const std::string& performer) {
  internal::BilledUnits units;
  FIGURANT_RETURN_IF_ERROR(ledger.ForEach([&](const Entry& e) { return units.Add(e); }));
  Appearances a = Collect(units, performer);
  a.head = ledger.head();
  return a;
}

Result<Appearances> ComputeAppearances(std::string_view log_bytes,
                                       const std::array<uint8_t, 32>& public_key,
                                       const std::string& performer) {
  internal::BilledUnits units;
  FIGURANT_ASSIGN_OR_RETURN(
      const VerifyReport report,
      ReadLog(log_bytes, public_key, [&](const Entry& e) { return units.Add(e); }));
  Appearances a = Collect(units, performer);
  a.head = report.last_head;
  return a;
}

struct AppearancesBuilder::Impl {
  internal::BilledUnits units;
};

AppearancesBuilder::AppearancesBuilder() : impl_(std::make_unique<Impl>()) {}
AppearancesBuilder::~AppearancesBuilder() = default;
AppearancesBuilder::AppearancesBuilder(AppearancesBuilder&&) noexcept = default;
AppearancesBuilder& AppearancesBuilder::operator=(AppearancesBuilder&&) noexcept = default;
Status AppearancesBuilder::Add(const Entry& entry) { return impl_->units.Add(entry); }

Appearances AppearancesBuilder::Of(const std::string& performer, const SignedHead& head) {
  Appearances a = Collect(impl_->units, performer);  // ApplyDeclaredRates sets, never adds
  a.head = head;
  return a;
}

nlohmann::json AppearancesJson(const Appearances& a) {
  nlohmann::json shots = nlohmann::json::array();
  for (const ShotAppearance& s : a.shots) {
    nlohmann::json ranges = nlohmann::json::array();
    for (const FrameRange& r : s.frames) ranges.push_back({r.first, r.last});
    shots.push_back({{"production", s.production},
                     {"shot", s.shot},
                     {"frames", ranges},
                     {"frame_count", s.frame_count},
                     {"screen_seconds", s.screen_seconds},
                     {"max_height_fraction", s.max_height_fraction},
                     {"doubles", s.doubles}});
  }
  return {{"performer", a.performer},
          {"ledger_head", a.head.ToJson()},
          {"screen_seconds", a.screen_seconds},
          {"warnings", a.warnings},
          {"appearances", shots}};
}

}  // namespace figurant::ledger
