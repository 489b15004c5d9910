#include "shot/internal/posing.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>

namespace figurant::shot::internal {
namespace {

// The double of `key` in its pose; the bind asset itself for a still key.
Result<std::shared_ptr<const geom::DoubleAsset>> Pose(const PoseKey& key,
                                                      const ShownDoubles& shown) {
  const std::shared_ptr<const geom::DoubleAsset>& bind = shown.at(key.double_id).bind;
  if (key.cycle == anim::MotionCycle::kStill) return bind;
  auto posed = anim::PoseDouble(*bind, PoseSpecOf(key));
  if (!posed.ok()) return posed.status().WithContext("posing double " + key.double_id);
  // The renderer needs no rig: drop it, and most of a copy's memory beyond its geometry.
  posed->mesh.skeleton.reset();
  posed->mesh.skin = {};
  return std::make_shared<const geom::DoubleAsset>(std::move(posed).value());
}

}  // namespace

anim::PoseSpec PoseSpecOf(const PoseKey& key) {
  return {key.cycle, static_cast<double>(key.step) / key.variants, 1.0, key.jitter_seed};
}

int PhaseStep(const AgentMotion& m, int frame, const crowd::FrameRange& frames) {
  const double t = (frame - frames.start) / frames.fps;
  const double phase = m.phase0 + t / m.cycle_seconds;
  const double steps = std::floor(phase * m.variants + 0.5);
  const double wrapped = steps - m.variants * std::floor(steps / m.variants);
  return std::clamp(static_cast<int>(wrapped), 0, m.variants - 1);
}

PoseSchedule::PoseSchedule(std::vector<std::string> double_ids, std::vector<AgentMotion> motions,
                           const crowd::FrameRange& scene_frames, FrameSpan span,
                           const Travel* travel)
    : double_ids_(std::move(double_ids)),
      motions_(std::move(motions)),
      frames_(scene_frames),
      travel_(travel) {
  for (int frame = span.first; frame <= span.last; ++frame) {
    for (size_t a = 0; a < motions_.size(); ++a) {
      PoseKey k = KeyOf(a, frame);
      if (index_.emplace(k, static_cast<int>(keys_.size())).second) keys_.push_back(std::move(k));
    }
  }
}

PoseKey PoseSchedule::KeyOf(size_t agent, int frame) const {
  const AgentMotion& m = motions_[agent];
  const std::string& id = double_ids_[agent];
  if (travel_ != nullptr && travel_->Walks(agent)) {
    if (const auto k = travel_->KeyAt(agent, frame)) {
      return PoseKey{id, k->cycle, k->step, k->variants, k->jitter_seed};
    }
  }
  if (m.cycle == anim::MotionCycle::kStill) return PoseKey{id};
  return PoseKey{id, m.cycle, PhaseStep(m, frame, frames_), m.variants, m.jitter_seed};
}

std::vector<int> PoseSchedule::PrototypesAt(int frame) const {
  std::vector<int> out(motions_.size());
  for (size_t a = 0; a < motions_.size(); ++a) out[a] = index_.at(KeyOf(a, frame));
  return out;
}

Result<PosedPrototypes> PosePrototypes(const PoseSchedule& schedule, ShownDoubles shown) {
  const std::vector<PoseKey>& keys = schedule.keys();
  std::vector<Result<std::shared_ptr<const geom::DoubleAsset>>> assets(keys.size(),
                                                                       Internal("not posed"));
  tbb::parallel_for(size_t{0}, keys.size(), [&](size_t k) { assets[k] = Pose(keys[k], shown); });
  PosedPrototypes out;
  for (size_t k = 0; k < keys.size(); ++k) {
    FIGURANT_RETURN_IF_ERROR(assets[k].status());
    const ShownDouble& s = shown.at(keys[k].double_id);
    render::Prototype proto{keys[k].double_id, s.performer_id, *std::move(assets[k])};
    if (keys[k].cycle != anim::MotionCycle::kStill) {
      // The standing height of the double as stored, so levels and coverage ignore the pose.
      proto.standing_height_m = s.standing_height_m;
      ++out.posed;
    }
    out.prototypes.push_back(std::move(proto));
  }
  return out;
}

}  // namespace figurant::shot::internal
