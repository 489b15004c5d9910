#include "ledger/internal/billed_units.h"

#include <algorithm>
#include <cstdio>

namespace figurant::ledger::internal {
namespace {

std::string Fps(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

// Folds one usage event into its unit: a unit only ever grows.
void AddToUnit(const UsageEvent& u, Unit& unit, bool fresh) {
  if (fresh) unit.first = u;
  unit.seconds = std::max(unit.seconds, 1.0 / u.fps);
  unit.pixels = std::max(unit.pixels, u.pixels);
  unit.height_fraction = std::max(unit.height_fraction, u.height_fraction);
  unit.agent_names.insert(u.agent_names.begin(), u.agent_names.end());
  ++unit.events_at_fps[u.fps];
}

}  // namespace

Status BilledUnits::Add(const Entry& e) {
  switch (e.type) {
    case EntryType::kUsage: {
      FIGURANT_ASSIGN_OR_RETURN(UsageEvent u, ParseUsage(e));
      AddUsage(u);
      return Status::Ok();
    }
    case EntryType::kSupersede: {
      FIGURANT_ASSIGN_OR_RETURN(SupersedeEvent r, ParseSupersede(e));
      latest_[r.key] = std::move(r.render_id);
      return Status::Ok();
    }
    case EntryType::kProductionDeclared: {
      FIGURANT_ASSIGN_OR_RETURN(ProductionDeclaredEvent p, ParseProductionDeclared(e));
      // The first declaration of a production is the one that counts (the bank never makes two).
      declared_rates_.try_emplace(p.production.declaration.production_id,
                                  p.production.declaration.frame_rate);
      return Status::Ok();
    }
    default:
      return Status::Ok();
  }
}

void BilledUnits::AddUsage(const UsageEvent& u) {
  auto [it, fresh] = latest_.try_emplace(u.key, u.render_id);
  if (!fresh && it->second != u.render_id) {
    // A new render of the frame without its supersede entry: a writer's slip, billed the same.
    if (supersede_missing_.insert(u.key).second) ++frames_without_supersede_;
    it->second = u.render_id;
  }
  if (!seen_
           .insert(u.render_id + '\0' + u.key.production + '\0' + u.key.shot + '\0' +
                   std::to_string(u.key.frame) + '\0' + u.double_id)
           .second) {
    ++duplicates_;
    return;
  }
  auto [unit, first] = units_.try_emplace(UnitKey{u.key, u.double_id});
  AddToUnit(u, unit->second, first);
}

// Screen time is counted at the frame rate each production's studio declared, whatever fps a
// usage entry carries (productions without a declaration keep their entries' fps).
void BilledUnits::ApplyDeclaredRates(std::vector<std::string>& warnings) {
  std::map<std::string, std::map<double, uint64_t>> differing;  // production → fps → events
  for (auto& [key, unit] : units_) {
    const auto rate = declared_rates_.find(key.frame.production);
    if (rate == declared_rates_.end()) continue;
    unit.seconds = 1.0 / rate->second.PerSecond();
    for (const auto& [fps, events] : unit.events_at_fps) {
      if (!FrameRateMatches(rate->second, fps)) differing[key.frame.production][fps] += events;
    }
  }
  for (const auto& [production, by_fps] : differing) {
    for (const auto& [fps, events] : by_fps) {
      warnings.push_back(std::to_string(events) + " usage event(s) of production " + production +
                         " were metered at " + Fps(fps) + " fps: counted at the " +
                         declared_rates_.at(production).Name() + " fps its studio declared");
    }
  }
}

void BilledUnits::AddRecordWarnings(std::vector<std::string>& warnings) const {
  if (frames_without_supersede_ > 0) {
    warnings.push_back(std::to_string(frames_without_supersede_) +
                       " frame(s) re-rendered without a supersede entry (billed as every "
                       "re-render is: no render lowers what a frame owes)");
  }
  if (duplicates_ > 0) {
    warnings.push_back(std::to_string(duplicates_) +
                       " duplicate usage event(s) (same render, frame and double) not counted");
  }
}

}  // namespace figurant::ledger::internal
