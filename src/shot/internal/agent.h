// The agent as the shot's stages pass it along: placed and given a double (by a crowd group's
// casting or by the scene naming it), with its variation and motion, before the per-agent licence
// check decides whether it is rendered.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "anim/pose_variation.h"
#include "consent/terms.h"
#include "crowd/casting.h"
#include "render/renderer.h"

namespace figurant::shot::internal {

// How one agent moves: its cycle, its phase at the scene's first frame and how phases are
// quantised (docs/motion.md).
struct AgentMotion {
  anim::MotionCycle cycle = anim::MotionCycle::kStill;
  double phase0 = 0;         // [Units: cycles] [Limits: 0..1]
  int variants = 1;          // phase steps per cycle [Limits: 1..32]
  double cycle_seconds = 1;  // [Units: seconds] [Limits: > 0]
  uint64_t jitter_seed = 0;  // 0: the cycle as designed
  // It travels through the set (its group's behaviour moves it): it walks while it moves, with
  // this walk's jitter, and plays `cycle` while it stands (docs/motion.md, "Travelling").
  bool travels = false;
  uint64_t walk_jitter_seed = 0;
};

struct PlacedAgent {
  // Where it stands and how it looks; `inst.prototype` is chosen once the shot is posed.
  render::AgentInstance inst;
  std::string double_id;
  // What its variation changes of the double's appearance, as the licence check sees it.
  std::vector<consent::Alteration> alterations;
  AgentMotion motion;
  int group = -1;         // index into the scene's crowds (and the report's groups); -1: explicit
  crowd::CastAgent cast;  // its world and screen position, for the clone report
  // Index into the crowd's simulated agents (CrowdTracks::paths), or -1: it stays where placed.
  int track = -1;
};

}  // namespace figurant::shot::internal
