// The motion-captured walk that walkers play (docs/motion.md, "The walk clip"): a looping BVH
// walk for MakeHuman 1.0's soft1 rig, retargeted onto any double whose skeleton has the humanoid
// legs, and played by phase (0 = the left foot furthest forward, as every walk in Figurant).
//
// Retargeting is by direction, as MakeHuman's own PoseFromClip does it (anim/makehuman.h): each
// mapped bone b of the double takes the clip joint j's rotation in the world at that frame, times
// the rotation that turns b's bind-pose direction (its head to the head of the bone it points at)
// into j's rest direction in the clip:
//     G_b = G_clip,j(frame) · RotationBetween(dir_bind(b), dir_rest(j)).
// So every mapped bone points the way the clip's does whatever pose the double was imported in,
// and the motion scales with the double's own limb lengths (a longer leg takes a longer stride).
// Bones with no clip joint follow their parent. Rotations are handed back in body axes relative to
// the parent's posed frame, R_b = G_parent⁻¹ · G_b, which is what anim/pose_variation.h applies.
//
// Between the clip's frames the rotations are interpolated (quaternion slerp), so any phase is a
// pose. Each body part's motion about its mean over the loop can be scaled (the per-double gait
// jitter of pose_variation.h), and the whole pose scaled towards the bind pose (amplitude).
//
// The clip Figurant embeds is MakeHuman's animations/walks/walk1.bvh (CC0, assets/makehuman),
// compiled into the library so a render needs no data directory. Thread-safe: every object is
// immutable once made.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "anim/bvh.h"
#include "core/status.h"
#include "geom/mesh.h"
#include "geom/vec.h"

namespace figurant::anim {

// A bone's rotation in body axes (+X left, +Y up, +Z forward) about its head, relative to its
// parent's posed frame; the identity leaves it as its parent carries it.
struct BoneRotation {
  int bone = -1;  // index into the skeleton's bones
  geom::Mat4f rotation;
};

// How far each body part moves about its mean pose over the loop. [Limits: 0..2; 1 = the clip]
struct PartScale {
  double legs = 1, arms = 1, torso = 1, head = 1;
};

class RetargetedWalk;

class WalkClip {
 public:
  // The clip `bvh` (a soft1-rig clip: joints Root, UpLeg_L/R, LoLeg_L/R, Foot_L/R at least; the
  // others optional) as a loop: its last frame is followed by its first. InvalidArgument naming
  // the clip when it lacks one of those joints, has fewer than 4 frames, or its left foot never
  // moves forward of the hips (it does not walk towards +Z).
  static Result<WalkClip> FromBvh(const BvhClip& bvh);
  // MakeHuman's walk1, embedded at build time, parsed once on first use. Internal only if the
  // embedded text cannot be read (a build fault).
  static Result<const WalkClip*> Embedded();

  const std::string& name() const { return name_; }
  int frame_count() const { return static_cast<int>(frames_.size()); }
  // The clip's phase at which its left foot is furthest forward: walk phase 0. [Units: cycles]
  double phase_offset() const { return phase_offset_; }

  // The clip on a double's skeleton. FailedPrecondition naming the bone when the skeleton lacks
  // hips or a leg bone (leftUpperLeg, leftLowerLeg and their right twins); InvalidArgument when
  // a bone comes before its parent.
  Result<RetargetedWalk> On(const geom::Skeleton& skeleton) const;

 private:
  struct Joint {
    int joint = -1;    // in the clip
    int toward = -1;   // the clip joint it points at, or -1 (no direction retargeting)
    geom::Vec3f rest;  // rest direction, joint → toward
  };
  std::string name_;
  std::vector<Joint> joints_;  // one per entry of the retargeting table (-1 when absent)
  // frames_[f][i]: entry i's clip joint's rotation in the world at frame f.
  std::vector<std::vector<geom::Mat4f>> frames_;
  double phase_offset_ = 0;
};

// WalkClip::On's result: the clip's frames as rotations of one skeleton's bones.
class RetargetedWalk {
 public:
  // The pose at `phase` (cycles, any finite value, modulo 1; 0 = left foot furthest forward):
  // one rotation per mapped bone. Each part's motion about its loop mean is scaled by `scale`,
  // then the whole rotation from the bind pose by `amplitude` (0 = the bind pose; [Limits: 0..2]).
  std::vector<BoneRotation> At(double phase, const PartScale& scale, double amplitude) const;

 private:
  friend class WalkClip;
  enum class Part : uint8_t { kLegs, kArms, kTorso, kHead };
  struct Bone {
    int bone = -1;
    Part part = Part::kTorso;
    std::array<float, 4> mean{};  // quaternion (x, y, z, w): the loop's mean rotation
  };
  std::vector<Bone> bones_;
  // rotations_[f][i]: bones_[i]'s rotation (quaternion x, y, z, w) at clip frame f.
  std::vector<std::vector<std::array<float, 4>>> rotations_;
  double phase_offset_ = 0;
};

}  // namespace figurant::anim
