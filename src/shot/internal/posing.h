// Posed copies (docs/motion.md): the render prototypes a shot needs are one per (double, motion
// cycle, phase step) shown by any agent in any frame rendered, so memory grows with doubles ×
// phase steps, not with agents or frames. Still agents show their double as stored.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/status.h"
#include "crowd/scene_spec.h"
#include "render/renderer.h"
#include "shot/internal/agent.h"
#include "shot/internal/shown.h"
#include "shot/internal/travel.h"
#include "shot/shot.h"

namespace figurant::shot::internal {

// The phase step an agent shows at `frame`: its phase advanced by the time since the scene's first
// frame (not the first frame rendered, so frames rendered apart agree), rounded to the nearest of
// `m.variants` steps. [Limits: 0..variants-1]
int PhaseStep(const AgentMotion& m, int frame, const crowd::FrameRange& frames);

// One render prototype: one double in one pose. Still poses have cycle kStill, step 0, variants 1.
struct PoseKey {
  std::string double_id;
  anim::MotionCycle cycle = anim::MotionCycle::kStill;
  int step = 0, variants = 1;
  uint64_t jitter_seed = 0;
  bool operator<(const PoseKey& o) const {
    return std::tie(double_id, cycle, step, variants, jitter_seed) <
           std::tie(o.double_id, o.cycle, o.step, o.variants, o.jitter_seed);
  }
};

// The pose of a moving key (cycle, phase step / variants, full amplitude, its jitter): what its
// posed copy is posed with, and what the crowd export poses its skeleton with.
anim::PoseSpec PoseSpecOf(const PoseKey& key);

// Which prototype every agent shows in every frame of a span.
class PoseSchedule {
 public:
  // `double_ids` and `motions` are per agent (parallel); `travel` (when the crowd moves, kept by
  // the caller for the schedule's life) gives the walkers' poses. Enumerates the keys of every
  // frame of `span`, in order of first use (frame by frame, agent by agent).
  PoseSchedule(std::vector<std::string> double_ids, std::vector<AgentMotion> motions,
               const crowd::FrameRange& scene_frames, FrameSpan span,
               const Travel* travel = nullptr);

  const std::vector<PoseKey>& keys() const { return keys_; }
  // Per agent, the index into keys() of the prototype it shows at `frame`, a frame of the span.
  std::vector<int> PrototypesAt(int frame) const;

 private:
  PoseKey KeyOf(size_t agent, int frame) const;

  std::vector<std::string> double_ids_;
  std::vector<AgentMotion> motions_;
  crowd::FrameRange frames_;
  const Travel* travel_ = nullptr;
  std::map<PoseKey, int> index_;
  std::vector<PoseKey> keys_;
};

struct PosedPrototypes {
  std::vector<render::Prototype> prototypes;  // one per schedule key, in its order
  int posed = 0;                              // how many are posed copies
};

// Poses a copy of each moving key's double (in parallel; each copy depends on its key alone, so
// the result is the same for any thread count) without its rig, and gives still keys the double
// as stored. Takes `shown` so that a double no agent shows still is freed with its last posed
// copy. Every key's double must be in `shown`. anim::PoseDouble's errors, naming the double.
Result<PosedPrototypes> PosePrototypes(const PoseSchedule& schedule, ShownDoubles shown);

}  // namespace figurant::shot::internal
