// The unit statements bill and appearances list (docs/ledger.md, "Supersession"): one double
// visible in one frame of a shot, (production, shot, frame, double). It counts once if any render
// of the frame showed the double, with the largest 1/fps, pixel count and on-screen height any
// such render recorded, under the licence and performer of the first; a production's declared
// frame rate, when the ledger holds its declaration, sets every unit's seconds. One owner, so
// ledger::ComputeStatements and ledger::ComputeAppearances can never count differently.
// Not thread-safe.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/frame_rate.h"
#include "core/status.h"
#include "ledger/ledger.h"
#include "ledger/payloads.h"

namespace figurant::ledger::internal {

struct UnitKey {
  FrameKey frame;
  std::string double_id;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads defaulted <=>.
  auto operator<=>(const UnitKey&) const = default;
};

struct Unit {
  UsageEvent first;  // the first render that showed it: performer and licence
  // The largest 1/fps among renders showing it; 1/the declared rate once ApplyDeclaredRates ran.
  double seconds = 0;                        // [Units: s]
  double pixels = 0;                         // the largest pixel count among them [Units: pixels]
  double height_fraction = 0;                // the largest on-screen height among them [>= 0]
  std::set<std::string> agent_names;         // every agent that showed it, in any render
  std::map<double, uint64_t> events_at_fps;  // usage events showing it, by the fps they carry
};

// Gathers units from a verified ledger's entries, fed in ledger order.
class BilledUnits {
 public:
  // Folds in a usage, supersede or production_declared entry; ignores the others. DataLoss (from
  // ledger/payloads.h, naming the entry and field) when such a payload breaks its format.
  Status Add(const Entry& e);
  // Sets every unit of a declared production to 1/its declared rate; warns about usage entries
  // metered at another rate. Call after the last Add; it may be called again after more Adds
  // (it sets seconds, never adds to them, and a unit only takes the max of what it had).
  void ApplyDeclaredRates(std::vector<std::string>& warnings);
  // What the ledger's writers got wrong (re-renders without a supersede entry, duplicate usage
  // events) and what counting did about it.
  void AddRecordWarnings(std::vector<std::string>& warnings) const;

  const std::map<UnitKey, Unit>& units() const { return units_; }

 private:
  void AddUsage(const UsageEvent& u);

  std::map<std::string, FrameRate> declared_rates_;  // production → its studio's declared rate
  std::map<UnitKey, Unit> units_;
  std::map<FrameKey, std::string>
      latest_;                  // frame → its latest render (to spot missing supersedes)
  std::set<std::string> seen_;  // render, frame and double of every usage kept
  std::set<FrameKey> supersede_missing_;
  uint64_t frames_without_supersede_ = 0, duplicates_ = 0;
};

}  // namespace figurant::ledger::internal
