#include "shot/internal/travel.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>

namespace figurant::shot::internal {

namespace {

// The horizontal distance walked up to each frame by simulated agent `track`. [Units: metres]
std::vector<float> Travelled(const nav::Trajectories& paths, int track) {
  std::vector<float> d(static_cast<size_t>(paths.frames), 0.0f);
  for (int f = 1; f < paths.frames; ++f) {
    const geom::Vec3f step = paths.At(f, track).position - paths.At(f - 1, track).position;
    d[static_cast<size_t>(f)] =
        d[static_cast<size_t>(f - 1)] + std::sqrt(step.x * step.x + step.z * step.z);
  }
  return d;
}

// `body` ([x, z] in the frame of a body facing `heading`) in the world, horizontally.
geom::Vec3f World(const std::array<double, 2>& body, float heading) {
  const double s = std::sin(heading), c = std::cos(heading);
  // Body +Z is (sin h, cos h) on the ground, body +X (cos h, -sin h).
  return {static_cast<float>(body[0] * c + body[1] * s), 0,
          static_cast<float>(-body[0] * s + body[1] * c)};
}

}  // namespace

Result<Travel> Travel::Make(const nav::Trajectories& paths, std::vector<int> tracks,
                            const std::vector<AgentMotion>& motions,
                            const std::vector<std::string>& double_ids, const ShownDoubles& shown,
                            const std::vector<render::AgentInstance>& placed,
                            const crowd::FrameRange& frames) {
  Travel t;
  t.paths_ = &paths;
  t.frames_ = frames;
  t.tracks_ = std::move(tracks);
  const size_t n = t.tracks_.size();
  t.placed_.reserve(n);
  for (const render::AgentInstance& in : placed) t.placed_.push_back({in.position, in.heading_rad});
  t.walk_jitter_.assign(n, 0);
  t.step_.resize(n);
  t.drawn_.resize(n);
  t.offset_.resize(n);
  std::map<std::pair<std::string, uint64_t>, anim::Stride> strides;  // by double and walk jitter
  for (size_t a = 0; a < n; ++a) {
    const AgentMotion& m = motions[a];
    if (!m.travels || t.tracks_[a] < 0) continue;
    const auto key = std::make_pair(double_ids[a], m.walk_jitter_seed);
    auto it = strides.find(key);
    if (it == strides.end()) {
      auto stride = anim::WalkStride(shown.at(double_ids[a]).bind->mesh, m.walk_jitter_seed);
      if (!stride.ok()) return stride.status().WithContext("walking double " + double_ids[a]);
      it = strides.emplace(key, std::move(stride).value()).first;
    }
    t.walk_jitter_[a] = m.walk_jitter_seed;
    t.Draw(a, it->second, m.phase0);
  }
  return t;
}

void Travel::Draw(size_t agent, const anim::Stride& stride, double phase0) {
  const std::vector<float> travelled = Travelled(*paths_, tracks_[agent]);
  const auto frames = static_cast<size_t>(paths_->frames);
  std::vector<int16_t>& steps = step_[agent];
  std::vector<render::AgentPlacement>& drawn = drawn_[agent];
  std::vector<float>& offset = offset_[agent];
  steps.assign(frames, -1);
  drawn.resize(frames);
  offset.assign(frames, 0.0f);
  std::optional<bool> stance;  // the foot planted: left (true) or right; none while standing
  geom::Vec3f anchor;          // where that foot's ankle is
  for (size_t f = 0; f < frames; ++f) {
    const nav::Placement& sim = paths_->At(static_cast<int>(f), tracks_[agent]);
    drawn[f] = {sim.position, sim.heading_rad};
    // It walks while it moves more than kWalkingMinM within kWalkWindowFrames either side.
    constexpr auto kWindow = static_cast<size_t>(kWalkWindowFrames);
    const float moved =
        travelled[std::min(f + kWindow, frames - 1)] - travelled[f >= kWindow ? f - kWindow : 0];
    if (moved <= kWalkingMinM) {
      stance.reset();
      continue;
    }
    const anim::TravelPose pose = anim::TravelAt(stride, phase0, travelled[f], kTravelVariants);
    steps[f] = static_cast<int16_t>(pose.step);
    // Where the stride alone puts the body: its simulated place, back and to the side.
    const geom::Vec3f synced = sim.position + World({pose.side_m, -pose.back_m}, sim.heading_rad);
    const geom::Vec3f ankle = World(pose.ankle, sim.heading_rad);
    if (stance != pose.left_planted) {  // a foot lands (or the walk starts)
      stance = pose.left_planted;
      anchor = synced + ankle;
    }
    geom::Vec3f off = (anchor - ankle) - synced;
    off.y = 0;
    const float len = std::hypot(off.x, off.z);
    if (len > kMaxDrawnOffsetM) {  // the foot slides by the rest
      off = off * (kMaxDrawnOffsetM / len);
      anchor = synced + off + ankle;
    }
    drawn[f].position = {synced.x + off.x, sim.position.y, synced.z + off.z};
    offset[f] = std::min(len, kMaxDrawnOffsetM);
  }
}

float Travel::DrawnOffsetM(size_t agent, int frame) const {
  if (!Walks(agent)) return 0;
  return offset_[agent][static_cast<size_t>(FrameIndex(frame))];
}

int Travel::FrameIndex(int frame) const {
  return std::clamp(frame - frames_.start, 0, paths_->frames - 1);
}

std::optional<TravelKey> Travel::KeyAt(size_t agent, int frame) const {
  if (!Walks(agent)) return std::nullopt;
  const int step = step_[agent][static_cast<size_t>(FrameIndex(frame))];
  if (step < 0) return std::nullopt;
  return TravelKey{anim::MotionCycle::kWalk, step, kTravelVariants, walk_jitter_[agent]};
}

std::vector<render::AgentPlacement> Travel::PlacementsAt(int frame) const {
  std::vector<render::AgentPlacement> out(tracks_.size());
  const auto f = static_cast<size_t>(FrameIndex(frame));
  for (size_t a = 0; a < tracks_.size(); ++a) {
    if (tracks_[a] < 0) {
      out[a] = placed_[a];
    } else if (Walks(a)) {
      out[a] = drawn_[a][f];
    } else {
      const nav::Placement& p = paths_->At(static_cast<int>(f), tracks_[a]);
      out[a] = {p.position, p.heading_rad};
    }
  }
  return out;
}

}  // namespace figurant::shot::internal
