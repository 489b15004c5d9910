// Pose variation per agent: looping motion cycles (idle, walk, sit) applied to a rigged double so
// that agents showing one double do not all stand in its one imported pose (docs/motion.md). The
// walk is motion-captured (anim/walk_clip.h, retargeted to the double); idle and sit are
// procedural.
//
// A cycle gives each canonical humanoid bone (anim/humanoid.h: hips, spine, chest, neck, head,
// left/right upper and lower arm and leg, foot) a rotation as a function of the phase. Rotations
// are stated in body axes (+X the double's left, +Y up, +Z forward, as every double is normalised)
// and applied in each bone's bind-pose frame about its head: R_local(b) = bind_b⁻¹ · R_body ·
// bind_b (R_body about the bone's head). Forward kinematics
//     T'_b = T'_parent · (bind_parent⁻¹ · bind_b) · R_local(b),      T'_root = bind_root · R_local
// and linear blend skinning with the mesh's four influences per vertex (Magnenat-Thalmann et al.,
// "Joint-dependent local deformations for hand animation and object grasping", 1988; the same
// scheme as anim/makehuman.h):
//     v' = Σ_k w_k · T'_{j_k} · bind_{j_k}⁻¹ · v,    n' = normalise(Σ_k w_k · (same)₃ₓ₃ · n).
// The bind pose is the double's imported pose (whatever the scan or MakeHuman pose was), so a
// cycle is a motion *about* that pose. The posed body is then re-grounded: it is translated
// vertically so that its lowest vertex is as low as the bind mesh's (y = 0 for every stored
// double). There is no root travel here: a walker walks in place unless the shot moves it
// (Stride and TravelAt below say by how much).
//
// Bones a rig lacks are skipped (their children still follow their parents). A cycle needs at
// least the hips and both upper and lower legs; a mesh without a skeleton or without those bones
// cannot be posed and gets no variation (CheckMotionSupport says so; PoseMesh refuses it with
// FailedPrecondition, never a crash).
//
// All functions are pure, allocate only their result and are thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "geom/mesh.h"
#include "geom/mesh_codec.h"

namespace figurant::anim {

enum class MotionCycle : uint8_t {
  kStill = 0,  // the double's imported pose, untouched
  kIdle = 1,   // standing: weight shift with hip sway, breathing, looking around, small arm swing
  kWalk = 2,   // the motion-captured walk (MakeHuman's walk1), in place unless the shot moves it
  // Seated on a seat at knee height (there is none unless the set has one), feet flat on the
  // ground in front of it, hands on the thighs; the phase varies the head, breathing and lean.
  // The amplitude scales the variation, not the sitting itself.
  kSit = 3,
};

std::string_view MotionCycleName(MotionCycle cycle);  // "still", "idle", "walk", "sit"
std::optional<MotionCycle> ParseMotionCycle(std::string_view name);
// One loop of the cycle when a scene does not say: idle 6 s, walk 1.1 s (a stride of two steps
// at about 110 steps a minute, a usual walking cadence, for walkers that walk in place; a
// travelling walker's phase follows its distance instead). [Units: seconds]
double DefaultCycleSeconds(MotionCycle cycle);

// One pose of a cycle.
struct PoseSpec {
  MotionCycle cycle = MotionCycle::kStill;
  // Where in the cycle. [Units: cycles] [Limits: any finite value; taken modulo 1] Walk phase 0
  // has the left leg forward at its furthest, phase 0.5 the right.
  double phase = 0;
  // Scales every joint angle of the cycle. [Limits: 0..2] 0 gives the bind pose.
  double amplitude = 1;
  // 0: the cycle as designed. Otherwise a seed for per-body-part amplitude jitter (legs, arms,
  // torso, head each scaled by a factor in [1 - kJitter, 1 + kJitter]) and the head's look-around
  // offset; the same seed gives the same jitter for every phase, so a jittered cycle still loops.
  uint64_t jitter_seed = 0;
};

// Largest relative amplitude jitter per body part. [Units: fraction]
inline constexpr double kJitter = 0.25;

enum class MotionSupport : uint8_t {
  kSupported = 0,
  kNoSkeleton = 1,    // no skeleton, or no skin weights
  kMissingBones = 2,  // a bone every cycle needs (hips, upper and lower legs) is absent
};

struct MotionCheck {
  MotionSupport support = MotionSupport::kNoSkeleton;
  std::string detail;  // why not, e.g. "no bone named leftLowerLeg"; empty when supported
  bool ok() const { return support == MotionSupport::kSupported; }
};

// Whether idle and walk cycles can pose `mesh`. Never fails.
MotionCheck CheckMotionSupport(const geom::Mesh& mesh);

// The mesh in `pose`: positions, normals and the skeleton's bind frames posed and re-grounded;
// every other field (indices, uvs, colours, regions, texture, skin weights) copied unchanged.
// kStill returns a copy of `bind` for any mesh. On failure nothing is returned:
//   FailedPrecondition: idle/walk on a mesh CheckMotionSupport refuses (message = its detail);
//   InvalidArgument: a non-finite phase, an amplitude outside 0..2, or inconsistent skin data
//   (weights not one per vertex, a bone index out of range, a parent after its child);
//   Internal: the embedded walk clip cannot be read (a build fault).
Result<geom::Mesh> PoseMesh(const geom::Mesh& bind, const PoseSpec& pose);

// PoseMesh on a double's full-detail mesh; the levels of detail index the same vertices, so their
// index lists are kept as they are.
Result<geom::DoubleAsset> PoseDouble(const geom::DoubleAsset& bind, const PoseSpec& pose);

// How far a double travels over one loop of its walk with its planted foot kept still
// (docs/motion.md, "Travelling"). The left foot is planted from phase 0 (it has just landed,
// furthest forward) to right_from() (where the right lands, about 0.5), the right from there to
// 1; while a foot is planted the body moves
// forward by exactly as much as that foot's ankle moves back in the cycle (which walks in place),
// and sideways against the ankle's sideways motion (the pelvis turns towards the forward leg).
// So a walker whose phase is PhaseAt(distance travelled), drawn SideAt(phase) to its left, keeps
// its planted foot where it landed.
class Stride {
 public:
  // The ankle's travel sampled at phases k / (n - 1): forward (non-decreasing from 0) and
  // sideways (to the body's left, +X, from 0), and the planted ankle's place in the body's frame
  // ([x, z]: left foot for k < (n - 1) / 2, then right). [Limits: n >= 9, equal sizes]
  // The left foot is planted before phase `right_from`, the right from it. [Limits: (0, 1)]
  Stride(std::vector<double> distance, std::vector<double> side,
         std::vector<std::array<double, 2>> planted, double right_from = 0.5);
  double length_m() const { return distance_.back(); }  // one loop: two steps [Units: metres]
  // The distance travelled since phase 0 at `phase` in [0, 1], interpolated. [Units: metres]
  double DistanceAt(double phase) const;
  // Where the body is across its way at `phase` in [0, 1], centred over the loop. [Units: m]
  double SideAt(double phase) const;
  // The phase in [0, 1) at which the walker has travelled `distance` m modulo the stride.
  double PhaseAt(double distance) const;
  // The planted ankle at `phase` in [0, 1) (the left foot before right_from(), the right from
  // it), in the body's frame [x, z], at the nearest sample. [Units: metres]
  std::array<double, 2> PlantedAnkleAt(double phase) const;
  // Where the right foot takes over. [Units: cycles]
  double right_from() const { return right_from_; }
  bool LeftPlantedAt(double phase) const { return phase < right_from_; }

 private:
  std::vector<double> distance_;                // at phases k / (size - 1), from 0, non-decreasing
  std::vector<double> side_;                    // at the same phases, mean 0
  std::vector<std::array<double, 2>> planted_;  // at the same phases
  double right_from_ = 0.5;
};

// Samples of Stride's ankle travel. [Limits: 8..4096]
inline constexpr int kStrideSamples = 128;

// The walk's stride on `bind` with `jitter_seed` (a jittered walk swings its legs further or
// less): forward kinematics of the skeleton alone at kStrideSamples phases, no skinning. The
// right foot's stance starts at the sample where its ankle is furthest forward.
// FailedPrecondition as PoseMesh for a mesh the walk cannot pose; InvalidArgument when the walk
// moves neither ankle back (a rig whose legs do not swing along +Z) — it cannot travel; Internal
// when the embedded walk clip cannot be read (a build fault).
Result<Stride> WalkStride(const geom::Mesh& bind, uint64_t jitter_seed);

// How a travelling walker is drawn when its poses are quantised to `variants` phase steps: the
// step whose pose it shows, and how far behind its true position (along its heading) its root is
// drawn so that the planted foot of that pose is where the true phase's would be.
struct TravelPose {
  int step = 0;       // [Limits: 0..variants-1]
  double back_m = 0;  // [Units: metres] negative: drawn ahead [Limits: |back| <= stride / variants]
  double side_m = 0;  // to the walker's left (its +X), Stride::SideAt of the step [Units: metres]
  bool left_planted = true;       // which foot the step's pose stands on
  std::array<double, 2> ankle{};  // that foot's ankle in the body's frame [x, z] [Units: metres]
};

// The walker that started at `phase0` [0, 1) and has travelled `distance_m` (>= 0).
// [Limits: variants >= 1]
TravelPose TravelAt(const Stride& stride, double phase0, double distance_m, int variants);

}  // namespace figurant::anim
