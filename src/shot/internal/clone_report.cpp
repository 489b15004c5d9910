#include "shot/internal/clone_report.h"

#include <algorithm>
#include <map>
#include <string>

#include "crowd/casting.h"

namespace figurant::shot::internal {

using nlohmann::json;

CloneSummary SummariseClones(const std::vector<PlacedAgent>& agents,
                             const std::vector<size_t>& rendered) {
  std::map<std::string, int> index_of;
  std::vector<std::string> names;
  std::vector<int> double_of(agents.size());
  for (size_t a = 0; a < agents.size(); ++a) {
    const auto [it, added] = index_of.emplace(agents[a].double_id, static_cast<int>(names.size()));
    if (added) names.push_back(agents[a].double_id);
    double_of[a] = it->second;
  }
  std::vector<crowd::CastAgent> cast;
  std::vector<int> assignment;
  for (size_t a : rendered) {
    cast.push_back(agents[a].cast);
    assignment.push_back(double_of[a]);
  }
  CloneSummary out;
  for (const crowd::CloneStats& c :
       crowd::CloneReport(cast, assignment, static_cast<int>(names.size()))) {
    if (c.agents == 0) continue;
    out.doubles.push_back(
        {{"double", names[static_cast<size_t>(c.double_index)]},
         {"agents", c.agents},
         {"world_min_m", std::isfinite(c.world_min_m) ? json(c.world_min_m) : json()},
         {"screen_min_fraction",
          std::isfinite(c.screen_min_fraction) ? json(c.screen_min_fraction) : json()}});
    out.world_min_m = std::min(out.world_min_m, c.world_min_m);
    out.screen_min_fraction = std::min(out.screen_min_fraction, c.screen_min_fraction);
  }
  return out;
}

json CloneReportJson(const crowd::SceneSpec& spec, const CloneSummary& clones) {
  return {{"shot", spec.shot}, {"production", spec.production}, {"doubles", clones.doubles}};
}

}  // namespace figurant::shot::internal
