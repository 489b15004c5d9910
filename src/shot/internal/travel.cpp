#include "shot/internal/travel.h"

#include <algorithm>
#include <cmath>

namespace figurant::shot::internal {

Result<Travel> Travel::Make(const nav::Trajectories& paths, std::vector<int> tracks,
                            const std::vector<AgentMotion>& motions,
                            const std::vector<std::string>& double_ids, const ShownDoubles& shown,
                            const crowd::FrameRange& frames) {
  Travel t;
  t.paths_ = &paths;
  t.frames_ = frames;
  t.tracks_ = std::move(tracks);
  const size_t n = t.tracks_.size();
  t.walk_.assign(n, nullptr);
  t.phase0_.assign(n, 0);
  t.walk_jitter_.assign(n, 0);
  t.travelled_.resize(n);
  for (size_t a = 0; a < n; ++a) {
    const AgentMotion& m = motions[a];
    if (!m.travels || t.tracks_[a] < 0) continue;
    const auto key = std::make_pair(double_ids[a], m.walk_jitter_seed);
    auto it = t.strides_.find(key);
    if (it == t.strides_.end()) {
      auto stride = anim::WalkStride(shown.at(double_ids[a]).bind->mesh, m.walk_jitter_seed);
      if (!stride.ok()) return stride.status().WithContext("walking double " + double_ids[a]);
      it = t.strides_.emplace(key, std::move(stride).value()).first;
    }
    t.walk_[a] = &it->second;
    t.phase0_[a] = m.phase0;
    t.walk_jitter_[a] = m.walk_jitter_seed;
    // The horizontal distance walked up to each frame.
    std::vector<float>& d = t.travelled_[a];
    d.assign(static_cast<size_t>(paths.frames), 0.0f);
    for (int f = 1; f < paths.frames; ++f) {
      const geom::Vec3f step =
          paths.At(f, t.tracks_[a]).position - paths.At(f - 1, t.tracks_[a]).position;
      d[static_cast<size_t>(f)] =
          d[static_cast<size_t>(f - 1)] + std::sqrt(step.x * step.x + step.z * step.z);
    }
  }
  return t;
}

int Travel::FrameIndex(int frame) const {
  return std::clamp(frame - frames_.start, 0, paths_->frames - 1);
}

std::optional<anim::TravelPose> Travel::PoseAt(size_t agent, int frame) const {
  const std::vector<float>& d = travelled_[agent];
  const int f = FrameIndex(frame), last = paths_->frames - 1;
  const float moved = d[static_cast<size_t>(std::min(f + kWalkWindowFrames, last))] -
                      d[static_cast<size_t>(std::max(f - kWalkWindowFrames, 0))];
  if (moved <= kWalkingMinM) return std::nullopt;
  return anim::TravelAt(*walk_[agent], phase0_[agent], d[static_cast<size_t>(f)], kTravelVariants);
}

std::optional<TravelKey> Travel::KeyAt(size_t agent, int frame) const {
  const auto pose = PoseAt(agent, frame);
  if (!pose) return std::nullopt;
  return TravelKey{anim::MotionCycle::kWalk, pose->step, kTravelVariants, walk_jitter_[agent]};
}

std::vector<render::AgentPlacement> Travel::PlacementsAt(
    int frame, const std::vector<render::AgentInstance>& placed) const {
  std::vector<render::AgentPlacement> out(tracks_.size());
  const int f = FrameIndex(frame);
  for (size_t a = 0; a < tracks_.size(); ++a) {
    if (tracks_[a] < 0) {
      out[a] = {placed[a].position, placed[a].heading_rad};
      continue;
    }
    const nav::Placement& p = paths_->At(f, tracks_[a]);
    out[a] = {p.position, p.heading_rad};
    if (walk_[a] == nullptr) continue;
    if (const auto pose = PoseAt(a, frame)) {
      // Body +Z is the heading (sin h, cos h) on the ground, body +X its left (cos h, -sin h).
      const float s = std::sin(p.heading_rad), c = std::cos(p.heading_rad);
      const auto back = static_cast<float>(pose->back_m), side = static_cast<float>(pose->side_m);
      out[a].position.x += side * c - back * s;
      out[a].position.z += -side * s - back * c;
    }
  }
  return out;
}

}  // namespace figurant::shot::internal
