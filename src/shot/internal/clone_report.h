// The clone report (docs/scene-spec.md): for every double the rendered agents show, how many agents
// show it and how close two of them come, in the set and on screen (crowd::CloneReport).
#pragma once

#include <cmath>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <vector>

#include "crowd/scene_spec.h"
#include "geom/camera.h"
#include "nav/behaviours.h"
#include "shot/internal/agent.h"

namespace figurant::shot::internal {

struct CloneSummary {
  // Per double shown, in order of first appearance among all placed agents (refused ones too):
  // {"double", "agents", "world_min_m", "screen_min_fraction"}, a minimum null when no two of its
  // agents give one.
  nlohmann::json doubles = nlohmann::json::array();
  // The smallest of each over every double; INFINITY when no double gives one.
  double world_min_m = INFINITY;          // [Units: metres]
  double screen_min_fraction = INFINITY;  // of frame width
};

// Over the rendered agents: `rendered` indexes into `agents`. When the crowd moves (`paths`), over
// every frame of the scene, each agent that moves where it is in that frame, seen from `camera`.
// Pure.
CloneSummary SummariseClones(const std::vector<PlacedAgent>& agents,
                             const std::vector<size_t>& rendered,
                             const nav::Trajectories* paths = nullptr,
                             const geom::Camera* camera = nullptr);

// The report: {"shot", "production", "doubles"}.
nlohmann::json CloneReportJson(const crowd::SceneSpec& spec, const CloneSummary& clones);

}  // namespace figurant::shot::internal
