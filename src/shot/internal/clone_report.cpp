#include "shot/internal/clone_report.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include "crowd/casting.h"
#include "shot/internal/screen.h"

namespace figurant::shot::internal {

using nlohmann::json;

CloneSummary SummariseClones(const std::vector<PlacedAgent>& agents,
                             const std::vector<size_t>& rendered, const nav::Trajectories* paths,
                             const geom::Camera* camera) {
  std::map<std::string, int> index_of;
  std::vector<std::string> names;
  std::vector<int> double_of(agents.size());
  for (size_t a = 0; a < agents.size(); ++a) {
    const auto [it, added] = index_of.emplace(agents[a].double_id, static_cast<int>(names.size()));
    if (added) names.push_back(agents[a].double_id);
    double_of[a] = it->second;
  }
  std::vector<int> assignment;
  assignment.reserve(rendered.size());
  for (size_t a : rendered) assignment.push_back(double_of[a]);
  // One snapshot per frame of the scene when the crowd moves, else the one where it stands.
  const int moments = paths != nullptr && camera != nullptr ? paths->frames : 1;
  std::optional<ScreenProjector> screen;
  if (camera != nullptr) screen.emplace(*camera);
  std::vector<crowd::CastAgent> cast;
  cast.reserve(rendered.size() * static_cast<size_t>(moments));
  for (int f = 0; f < moments; ++f) {
    for (size_t a : rendered) {
      crowd::CastAgent c = agents[a].cast;
      if (moments > 1 && agents[a].track >= 0) {
        c.position = paths->At(f, agents[a].track).position;
        c.screen = screen->PointOf(c.position);
      }
      cast.push_back(c);
    }
  }
  CloneSummary out;
  for (const crowd::CloneStats& c :
       crowd::CloneReport(cast, assignment, static_cast<int>(names.size()), moments)) {
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
