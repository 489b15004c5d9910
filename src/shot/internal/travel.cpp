#include "shot/internal/travel.h"

#include <algorithm>
#include <cmath>
#include <numbers>

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
  t.drawn_.resize(n);
  t.offset_.resize(n);
  for (size_t a = 0; a < n; ++a) {
    if (t.walk_[a] != nullptr) t.Draw(a);
  }
  return t;
}

namespace {
// `body` ([x, z] in the frame of a body facing `heading`) in the world, horizontally.
geom::Vec3f World(const std::array<double, 2>& body, float heading) {
  const double s = std::sin(heading), c = std::cos(heading);
  // Body +Z is (sin h, cos h) on the ground, body +X (cos h, -sin h).
  return {static_cast<float>(body[0] * c + body[1] * s), 0,
          static_cast<float>(-body[0] * s + body[1] * c)};
}
}  // namespace

void Travel::Draw(size_t agent) {
  std::vector<render::AgentPlacement>& drawn = drawn_[agent];
  std::vector<float>& offset = offset_[agent];
  drawn.resize(static_cast<size_t>(paths_->frames));
  offset.assign(static_cast<size_t>(paths_->frames), 0.0f);
  std::optional<bool> stance;  // the foot planted: left (true) or right; none while standing
  geom::Vec3f anchor;          // where that foot's ankle is
  for (int f = 0; f < paths_->frames; ++f) {
    const nav::Placement& sim = paths_->At(f, tracks_[agent]);
    render::AgentPlacement& out = drawn[static_cast<size_t>(f)];
    out = {sim.position, sim.heading_rad};
    const auto pose = PoseAt(agent, frames_.start + f);
    if (!pose) {
      stance.reset();
      continue;
    }
    // Where the stride alone puts the body: its simulated place, back and to the side.
    const geom::Vec3f synced = sim.position + World({pose->side_m, -pose->back_m}, sim.heading_rad);
    const geom::Vec3f ankle = World(pose->ankle, sim.heading_rad);
    if (stance != pose->left_planted) {  // a foot lands (or the walk starts)
      stance = pose->left_planted;
      anchor = synced + ankle;
    }
    geom::Vec3f off = (anchor - ankle) - synced;
    off.y = 0;
    const float len = std::hypot(off.x, off.z);
    if (len > kMaxDrawnOffsetM) {  // the foot slides by the rest
      off = off * (kMaxDrawnOffsetM / len);
      anchor = synced + off + ankle;
    }
    out.position = {synced.x + off.x, sim.position.y, synced.z + off.z};
    offset[static_cast<size_t>(f)] =
        std::hypot(out.position.x - synced.x, out.position.z - synced.z);
  }
}

float Travel::DrawnOffsetM(size_t agent, int frame) const {
  if (walk_[agent] == nullptr) return 0;
  return offset_[agent][static_cast<size_t>(FrameIndex(frame))];
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
    if (walk_[a] != nullptr) {
      out[a] = drawn_[a][static_cast<size_t>(f)];
      continue;
    }
    const nav::Placement& p = paths_->At(f, tracks_[a]);
    out[a] = {p.position, p.heading_rad};
  }
  return out;
}

}  // namespace figurant::shot::internal
