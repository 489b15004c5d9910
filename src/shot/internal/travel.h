// Agents that travel through the set (docs/motion.md, "Travelling"): for each rendered agent the
// crowd simulated, where it is drawn and which pose it shows in each frame. A walker's phase
// follows the distance it has travelled at its own double's stride (anim::WalkStride), quantised
// to kTravelVariants steps, and it is drawn a little behind or ahead of its simulated place and to
// its side (anim::TravelAt) so that the planted foot of the pose it shows stays where it landed.
// An agent that has not moved for a while plays its standing cycle by time, as a still agent does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "anim/pose_variation.h"
#include "core/status.h"
#include "crowd/scene_spec.h"
#include "nav/behaviours.h"
#include "render/renderer.h"
#include "shot/internal/agent.h"
#include "shot/internal/shown.h"

namespace figurant::shot::internal {

// Phase steps of a travelling walk: at 1.34 m/s and 24 fps a walker moves 5.6 cm a frame, and a
// step of a ~1.1 m stride is 3.4 cm, so the pose changes every frame.
inline constexpr int kTravelVariants = 32;
// A travelling agent walks at a frame when it moves more than this between the frames
// kWalkWindowFrames before and after it; otherwise it stands. [Units: metres]
inline constexpr double kWalkingMinM = 0.02;
inline constexpr int kWalkWindowFrames = 3;
// While a foot is planted the walker is drawn so that it stays put, at most this far from where
// the simulation and its stride put the body; beyond it the foot slides. The offset is made up
// when the next foot lands (a jump of at most this much). [Units: metres]
inline constexpr float kMaxDrawnOffsetM = 0.03f;

// One pose: a double in a cycle at a phase step (PoseSchedule keys).
struct TravelKey {
  anim::MotionCycle cycle = anim::MotionCycle::kWalk;
  int step = 0, variants = kTravelVariants;
  uint64_t jitter_seed = 0;
};

class Travel {
 public:
  // For the rendered agents (parallel: their placed agents' tracks, motions as rendered — a double
  // that cannot be posed has a still motion, its travels false —, double ids and instances as
  // placed, where the agents not simulated stay): each walker's pose and place in every frame,
  // worked out once, from its double's stride (`shown`). anim::WalkStride's errors, naming the
  // double.
  static Result<Travel> Make(const nav::Trajectories& paths, std::vector<int> tracks,
                             const std::vector<AgentMotion>& motions,
                             const std::vector<std::string>& double_ids, const ShownDoubles& shown,
                             const std::vector<render::AgentInstance>& placed,
                             const crowd::FrameRange& frames);

  // Whether rendered agent `agent` walks in some frames (its pose then comes from KeyAt).
  bool Walks(size_t agent) const { return !step_[agent].empty(); }
  // The pose `agent` shows at scene frame `frame` while it walks; nullopt while it stands (its
  // standing cycle by time, PhaseStep) or when it never walks.
  std::optional<TravelKey> KeyAt(size_t agent, int frame) const;
  // Every rendered agent's placement at scene frame `frame`; those not simulated where placed. A
  // walker's planted foot stays where it landed: while a foot is planted the walker is drawn so
  // that its ankle stays put as the body turns and steps, up to kMaxDrawnOffsetM from where the
  // simulation puts it (plus TravelAt's offsets), beyond which the foot slides; when the other
  // foot lands it is drawn there again.
  std::vector<render::AgentPlacement> PlacementsAt(int frame) const;
  // How far walker `agent` is drawn at `frame` from where the simulation and its stride alone
  // would put it: the drift its turns and side-steps make during a stance, made up when the next
  // foot lands. 0 for others. [Units: metres]
  float DrawnOffsetM(size_t agent, int frame) const;

 private:
  Travel() = default;
  // Index of scene frame `frame` into the paths, clamped to them.
  int FrameIndex(int frame) const;
  // Walker `agent`, whose walk is `stride` from `phase0`, posed and drawn in every frame, its
  // planted foot anchored (PlacementsAt).
  void Draw(size_t agent, const anim::Stride& stride, double phase0);

  const nav::Trajectories* paths_ = nullptr;
  crowd::FrameRange frames_;
  std::vector<int> tracks_;                     // per rendered agent: index into paths, or -1
  std::vector<render::AgentPlacement> placed_;  // per rendered agent: where it was placed
  std::vector<uint64_t> walk_jitter_;           // per rendered agent
  // Per rendered walker (empty for others), per frame: the walk step it shows (-1: it stands),
  // where it is drawn, and how far from its synced place.
  std::vector<std::vector<int16_t>> step_;
  std::vector<std::vector<render::AgentPlacement>> drawn_;
  std::vector<std::vector<float>> offset_;
};

}  // namespace figurant::shot::internal
