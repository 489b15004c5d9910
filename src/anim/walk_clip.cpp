// A BVH walk retargeted by bone direction and played by phase (see walk_clip.h).
#include "anim/walk_clip.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string_view>

namespace figurant::anim {

// The walk clip's text, generated at build time from assets/makehuman (walk_clip_data.cpp.in).
extern const char kEmbeddedWalkClip[];
extern const std::size_t kEmbeddedWalkClipSize;

namespace {

using geom::Mat4f;
using geom::Vec3f;
using Quat = std::array<float, 4>;  // x, y, z, w

// The soft1 joint each bone of a double follows, and what each points at: one row per bone (a
// clip joint may drive two bones where MakeHuman's skeleton splits what soft1 keeps in one).
struct Row {
  std::string_view joint, toward;       // in the clip; toward empty: no direction retargeting
  std::string_view bone;                // in the double: canonical (anim/humanoid.h) or MakeHuman
  std::array<std::string_view, 2> aim;  // the bone it points at, first present wins
  int part;                             // RetargetedWalk::Part
};

constexpr int kLegs = 0, kArms = 1, kTorso = 2, kHead = 3;
constexpr Row kRows[] = {
    {"Root", "", "hips", {}, kTorso},
    {"Hips", "", "pelvis.L", {}, kLegs},
    {"Hips", "", "pelvis.R", {}, kLegs},
    {"Spine1", "", "spine05", {}, kTorso},
    {"Spine1", "", "spine", {}, kTorso},
    {"Spine2", "", "chest", {}, kTorso},
    {"Spine3", "", "spine02", {}, kTorso},
    {"Spine3", "", "upperChest", {}, kTorso},
    {"Neck", "", "neck", {}, kHead},
    {"Head", "", "head", {}, kHead},
    {"Clavicle_L", "UpArm_L", "leftShoulder", {"leftUpperArm"}, kArms},
    {"UpArm_L", "LoArm_L", "leftUpperArm", {"leftLowerArm"}, kArms},
    {"LoArm_L", "Hand_L", "leftLowerArm", {"leftHand"}, kArms},
    {"Hand_L", "Middle1_L", "leftHand", {"leftMiddleProximal", "finger3-1.L"}, kArms},
    {"Clavicle_R", "UpArm_R", "rightShoulder", {"rightUpperArm"}, kArms},
    {"UpArm_R", "LoArm_R", "rightUpperArm", {"rightLowerArm"}, kArms},
    {"LoArm_R", "Hand_R", "rightLowerArm", {"rightHand"}, kArms},
    {"Hand_R", "Middle1_R", "rightHand", {"rightMiddleProximal", "finger3-1.R"}, kArms},
    {"UpLeg_L", "LoLeg_L", "leftUpperLeg", {"leftLowerLeg"}, kLegs},
    {"LoLeg_L", "Foot_L", "leftLowerLeg", {"leftFoot"}, kLegs},
    {"Foot_L", "Toe_L", "leftFoot", {"toe3-1.L", "leftToes"}, kLegs},
    {"UpLeg_R", "LoLeg_R", "rightUpperLeg", {"rightLowerLeg"}, kLegs},
    {"LoLeg_R", "Foot_R", "rightLowerLeg", {"rightFoot"}, kLegs},
    {"Foot_R", "Toe_R", "rightFoot", {"toe3-1.R", "rightToes"}, kLegs},
};
constexpr std::string_view kClipNeeds[] = {"Root",    "UpLeg_L", "UpLeg_R", "LoLeg_L",
                                           "LoLeg_R", "Foot_L",  "Foot_R"};
constexpr std::string_view kSkeletonNeeds[] = {"hips", "leftUpperLeg", "rightUpperLeg",
                                               "leftLowerLeg", "rightLowerLeg"};

// Quaternions for interpolation: rotation matrices in, rotation matrices out.
Quat ToQuat(const Mat4f& m) {
  const auto r = [&m](int row, int col) { return m.m[col][row]; };
  const float trace = r(0, 0) + r(1, 1) + r(2, 2);
  Quat q;
  if (trace > 0) {
    const float s = 0.5f / std::sqrt(trace + 1);
    q = {(r(2, 1) - r(1, 2)) * s, (r(0, 2) - r(2, 0)) * s, (r(1, 0) - r(0, 1)) * s, 0.25f / s};
  } else if (r(0, 0) > r(1, 1) && r(0, 0) > r(2, 2)) {
    const float s = 2 * std::sqrt(1 + r(0, 0) - r(1, 1) - r(2, 2));
    q = {0.25f * s, (r(0, 1) + r(1, 0)) / s, (r(0, 2) + r(2, 0)) / s, (r(2, 1) - r(1, 2)) / s};
  } else if (r(1, 1) > r(2, 2)) {
    const float s = 2 * std::sqrt(1 + r(1, 1) - r(0, 0) - r(2, 2));
    q = {(r(0, 1) + r(1, 0)) / s, 0.25f * s, (r(1, 2) + r(2, 1)) / s, (r(0, 2) - r(2, 0)) / s};
  } else {
    const float s = 2 * std::sqrt(1 + r(2, 2) - r(0, 0) - r(1, 1));
    q = {(r(0, 2) + r(2, 0)) / s, (r(1, 2) + r(2, 1)) / s, 0.25f * s, (r(1, 0) - r(0, 1)) / s};
  }
  return q;
}

Mat4f ToMatrix(const Quat& q) {
  const auto [x, y, z, w] = q;
  Mat4f m;
  m.m[0] = {1 - 2 * (y * y + z * z), 2 * (x * y + z * w), 2 * (x * z - y * w), 0};
  m.m[1] = {2 * (x * y - z * w), 1 - 2 * (x * x + z * z), 2 * (y * z + x * w), 0};
  m.m[2] = {2 * (x * z + y * w), 2 * (y * z - x * w), 1 - 2 * (x * x + y * y), 0};
  return m;
}

float Dot(const Quat& a, const Quat& b) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
}

Quat Normalised(Quat q) {
  const float n = std::sqrt(Dot(q, q));
  for (float& c : q) c /= n;
  return q;
}

Quat Multiply(const Quat& a, const Quat& b) {
  return {a[3] * b[0] + a[0] * b[3] + a[1] * b[2] - a[2] * b[1],
          a[3] * b[1] - a[0] * b[2] + a[1] * b[3] + a[2] * b[0],
          a[3] * b[2] + a[0] * b[1] - a[1] * b[0] + a[2] * b[3],
          a[3] * b[3] - a[0] * b[0] - a[1] * b[1] - a[2] * b[2]};
}

Quat Conjugate(const Quat& q) { return {-q[0], -q[1], -q[2], q[3]}; }

// The rotation by `s` times q's angle about q's axis (s = 0: none; 1: q).
Quat Power(Quat q, double s) {
  if (q[3] < 0) q = {-q[0], -q[1], -q[2], -q[3]};
  const double half = std::acos(std::clamp(static_cast<double>(q[3]), -1.0, 1.0));
  const double sin_half = std::sin(half);
  if (sin_half < 1e-7) return {0, 0, 0, 1};
  const double k = std::sin(s * half) / sin_half;
  return {static_cast<float>(q[0] * k), static_cast<float>(q[1] * k), static_cast<float>(q[2] * k),
          static_cast<float>(std::cos(s * half))};
}

Quat Slerp(const Quat& a, Quat b, double t) {
  if (Dot(a, b) < 0) b = {-b[0], -b[1], -b[2], -b[3]};
  return Normalised(Multiply(a, Power(Multiply(Conjugate(a), b), t)));
}

// The sign-aligned, normalised mean of `qs` (close rotations: a good mean).
Quat Mean(const std::vector<Quat>& qs) {
  Quat sum{0, 0, 0, 0};
  for (const Quat& q : qs) {
    const float sign = Dot(q, qs.front()) < 0 ? -1.0f : 1.0f;
    for (int c = 0; c < 4; ++c) sum[static_cast<size_t>(c)] += sign * q[static_cast<size_t>(c)];
  }
  return Normalised(sum);
}

// Where clip joint `joint` is at `frame`, relative to the clip's root. [Units: the clip's]
Vec3f JointAt(const BvhClip& clip, int frame, int joint) {
  Vec3f at;
  for (int j = joint, p = clip.joints[static_cast<size_t>(j)].parent; p >= 0;
       j = p, p = clip.joints[static_cast<size_t>(p)].parent) {
    at = clip.GlobalRotation(frame, p).TransformVector(
             clip.joints[static_cast<size_t>(j)].rest_position -
             clip.joints[static_cast<size_t>(p)].rest_position) +
         at;
  }
  return at;
}

// The loop phase at which the left foot is furthest forward (+Z): the best frame, refined by a
// parabola through it and its neighbours.
Result<double> LeftFootForward(const BvhClip& clip) {
  const int foot = clip.Find("Foot_L"), n = clip.frame_count;
  std::vector<double> z(static_cast<size_t>(n));
  for (int f = 0; f < n; ++f) z[static_cast<size_t>(f)] = JointAt(clip, f, foot).z;
  const auto best = static_cast<int>(std::max_element(z.begin(), z.end()) - z.begin());
  const double a = z[static_cast<size_t>((best + n - 1) % n)], b = z[static_cast<size_t>(best)],
               c = z[static_cast<size_t>((best + 1) % n)];
  if (!(b > *std::min_element(z.begin(), z.end()))) {
    return InvalidArgument("clip " + clip.name + ": its left foot never moves forward");
  }
  const double curve = a - 2 * b + c;
  const double shift = curve < 0 ? std::clamp(0.5 * (a - c) / curve, -0.5, 0.5) : 0.0;
  const double phase = (best + shift) / n;
  return phase - std::floor(phase);
}

int BoneNamed(const geom::Skeleton& sk, std::string_view name) {
  return name.empty() ? -1 : sk.Find(std::string(name));
}

Vec3f Head(const geom::Skeleton& sk, int bone) {
  const Mat4f& m = sk.bones[static_cast<size_t>(bone)].bind_pose;
  return {m.m[3][0], m.m[3][1], m.m[3][2]};
}

}  // namespace

Result<WalkClip> WalkClip::FromBvh(const BvhClip& bvh) {
  for (std::string_view need : kClipNeeds) {
    if (bvh.Find(need) < 0) {
      return InvalidArgument("clip " + bvh.name + ": no joint named " + std::string(need) +
                             " (a walk clip is for MakeHuman 1.0's soft1 rig)");
    }
  }
  if (bvh.frame_count < 4) {
    return InvalidArgument("clip " + bvh.name + ": a walk loop needs at least 4 frames");
  }
  WalkClip clip;
  clip.name_ = bvh.name;
  for (const Row& row : kRows) {
    Joint j{bvh.Find(row.joint), row.toward.empty() ? -1 : bvh.Find(row.toward), {}};
    if (j.joint >= 0 && j.toward >= 0) {
      j.rest = bvh.joints[static_cast<size_t>(j.toward)].rest_position -
               bvh.joints[static_cast<size_t>(j.joint)].rest_position;
    }
    clip.joints_.push_back(j);
  }
  for (int f = 0; f < bvh.frame_count; ++f) {
    std::vector<Mat4f>& frame = clip.frames_.emplace_back(clip.joints_.size());
    for (size_t i = 0; i < clip.joints_.size(); ++i) {
      if (clip.joints_[i].joint >= 0) frame[i] = bvh.GlobalRotation(f, clip.joints_[i].joint);
    }
  }
  FIGURANT_ASSIGN_OR_RETURN(clip.phase_offset_, LeftFootForward(bvh));
  return clip;
}

Result<const WalkClip*> WalkClip::Embedded() {
  static const Result<WalkClip> clip = []() -> Result<WalkClip> {
    const std::string_view text(kEmbeddedWalkClip, kEmbeddedWalkClipSize);
    auto bvh = ParseBvh(text, "embedded walk clip walk1.bvh", "walk1");
    if (!bvh.ok()) return Internal(bvh.status().message());
    auto walk = FromBvh(*bvh);
    if (!walk.ok()) return Internal(walk.status().message());
    return walk;
  }();
  if (!clip.ok()) return clip.status();
  return &*clip;
}

Result<RetargetedWalk> WalkClip::On(const geom::Skeleton& sk) const {
  for (std::string_view need : kSkeletonNeeds) {
    if (BoneNamed(sk, need) < 0) {
      return FailedPrecondition("the skeleton has no bone named " + std::string(need));
    }
  }
  for (size_t b = 0; b < sk.bones.size(); ++b) {
    if (sk.bones[b].parent >= static_cast<int>(b)) {
      return InvalidArgument("bone " + sk.bones[b].name + " comes before its parent");
    }
  }
  // Which row drives which bone, with the rotation from its bind direction into the clip's.
  std::vector<int> row_of(sk.bones.size(), -1);
  std::vector<Mat4f> offset(std::size(kRows));
  for (size_t i = 0; i < std::size(kRows); ++i) {
    const int b = BoneNamed(sk, kRows[i].bone);
    if (b < 0 || joints_[i].joint < 0 || row_of[static_cast<size_t>(b)] >= 0) continue;
    row_of[static_cast<size_t>(b)] = static_cast<int>(i);
    if (joints_[i].toward < 0) continue;
    for (std::string_view aim : kRows[i].aim) {
      const int to = BoneNamed(sk, aim);
      if (to < 0) continue;
      const Vec3f bind = Head(sk, to) - Head(sk, b);
      if (geom::Length(bind) > 0) offset[i] = RotationBetween(bind, joints_[i].rest);
      break;
    }
  }
  RetargetedWalk walk;
  walk.phase_offset_ = phase_offset_;
  for (size_t b = 0; b < sk.bones.size(); ++b) {
    if (row_of[b] >= 0) {
      walk.bones_.push_back(
          {static_cast<int>(b), static_cast<RetargetedWalk::Part>(kRows[row_of[b]].part), {}});
    }
  }
  std::vector<std::vector<Quat>> by_bone(walk.bones_.size());
  for (const std::vector<Mat4f>& frame : frames_) {
    // G: each bone's rotation in the world; unmapped bones follow their parent.
    std::vector<Mat4f> world(sk.bones.size());
    std::vector<Quat>& out = walk.rotations_.emplace_back();
    for (size_t b = 0; b < sk.bones.size(); ++b) {
      const int p = sk.bones[b].parent;
      const Mat4f parent = p >= 0 ? world[static_cast<size_t>(p)] : Mat4f{};
      if (row_of[b] < 0) {
        world[b] = parent;
        continue;
      }
      const auto i = static_cast<size_t>(row_of[b]);
      world[b] = frame[i] * offset[i];
      out.push_back(ToQuat(Transposed(parent) * world[b]));
      by_bone[out.size() - 1].push_back(out.back());
    }
  }
  for (size_t i = 0; i < walk.bones_.size(); ++i) walk.bones_[i].mean = Mean(by_bone[i]);
  return walk;
}

std::vector<BoneRotation> RetargetedWalk::At(double phase, const PartScale& scale,
                                             double amplitude) const {
  const auto n = static_cast<double>(rotations_.size());
  double p = phase + phase_offset_;
  p -= std::floor(p);
  const double x = p * n;
  const auto k = std::min(static_cast<size_t>(x), rotations_.size() - 1);
  const size_t k1 = (k + 1) % rotations_.size();
  const double t = x - static_cast<double>(k);
  std::vector<BoneRotation> out;
  out.reserve(bones_.size());
  for (size_t i = 0; i < bones_.size(); ++i) {
    const Bone& bone = bones_[i];
    const double s = bone.part == Part::kLegs   ? scale.legs
                     : bone.part == Part::kArms ? scale.arms
                     : bone.part == Part::kHead ? scale.head
                                                : scale.torso;
    const Quat q = Slerp(rotations_[k][i], rotations_[k1][i], t);
    const Quat about_mean = Multiply(bone.mean, Power(Multiply(Conjugate(bone.mean), q), s));
    out.push_back({bone.bone, ToMatrix(Normalised(Power(about_mean, amplitude)))});
  }
  return out;
}

}  // namespace figurant::anim
