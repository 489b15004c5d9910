// Idle and sit cycles on a humanoid rig, the motion-captured walk (anim/walk_clip.h), forward
// kinematics and linear blend skinning (see pose_variation.h). The idle is a standing weight shift
// (Winter, "Biomechanics and Motor Control of Human Movement", 4th ed., 2009: the "ankle/hip
// strategy" of quiet standing, exaggerated to read on screen), breathing at three times the cycle
// rate, and a slow head scan.
#include "anim/pose_variation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <vector>

#include "anim/walk_clip.h"
#include "core/random.h"

namespace figurant::anim {
namespace {

using geom::Mat4f;
using geom::Vec3f;

constexpr double kTwoPi = 2 * std::numbers::pi;

// Bones every cycle needs: without them there is no stance to vary.
constexpr std::array<std::string_view, 5> kRequiredBones = {"hips", "leftUpperLeg", "rightUpperLeg",
                                                            "leftLowerLeg", "rightLowerLeg"};

// Idle joint amplitudes. [Units: radians]
constexpr double kIdleShift = 0.045;   // legs lean sideways: the pelvis moves over one foot
constexpr double kIdleHipRoll = 0.05;  // the loaded hip rises
constexpr double kIdleKnee = 0.10;     // the unloaded knee softens
constexpr double kIdleBreath = 0.02;   // chest rises and falls three times per cycle
constexpr double kIdleHeadYaw = 0.35;  // looking around (~20°)
constexpr double kIdleHeadPitch = 0.08;
constexpr double kIdleArm = 0.05;
// Sitting: thighs forward to the horizontal, shins hanging, hands resting on the thighs; then the
// same breathing and looking around as standing, with a slow lean. [Units: radians]
constexpr double kSitHip = 1.45;        // thigh flexion (~83°)
constexpr double kSitKnee = 1.45;       // knee flexion: the shin hangs about vertical
constexpr double kSitKneesApart = 0.1;  // each thigh turned out (~6°)
constexpr double kSitUpperArm = 0.35;   // upper arm forward (~20°)
constexpr double kSitElbow = 1.0;       // forearm forward onto the thigh (~57°)
constexpr double kSitLean = 0.06;       // the trunk leans forward and back

// A bone's rotation in body axes: R = RotY(yaw) · RotX(pitch) · RotZ(roll). Positive pitch tips a
// hanging limb backwards (and an upright segment forwards), positive yaw turns +Z towards +X (the
// body's left), positive roll turns +X towards +Y.
struct BoneMotion {
  std::string_view bone;
  double pitch = 0, yaw = 0, roll = 0;
};

struct Jitter {
  double legs = 1, arms = 1, torso = 1, head = 1;
  double head_offset = 0;  // phase offset of the head's look-around [Units: radians]
};

Jitter MakeJitter(uint64_t seed) {
  Jitter j;
  if (seed == 0) return j;
  Rng rng(Rng::Mix(seed));
  j.legs = rng.Uniform(1 - kJitter, 1 + kJitter);
  j.arms = rng.Uniform(1 - kJitter, 1 + kJitter);
  j.torso = rng.Uniform(1 - kJitter, 1 + kJitter);
  j.head = rng.Uniform(1 - kJitter, 1 + kJitter);
  j.head_offset = rng.Uniform(0, kTwoPi);
  return j;
}

double Pos(double x) { return std::max(0.0, x); }

// Idle: the legs lean sideways together (the pelvis moves over one foot), the pelvis tilts up on
// the loaded side and the spine brings the shoulders back over it, the unloaded knee softens.
std::vector<BoneMotion> Idle(double phase, double amp, const Jitter& j) {
  const double s = kTwoPi * phase;
  const double legs = amp * j.legs, arms = amp * j.arms, torso = amp * j.torso, head = amp * j.head;
  const double shift = kIdleShift * legs * std::sin(s);
  const double hip_roll = kIdleHipRoll * torso * std::sin(s);
  // A positive lean puts the feet to the left of the pelvis: the right leg carries the weight.
  const double knee_l = kIdleKnee * legs * Pos(std::sin(s));
  const double knee_r = kIdleKnee * legs * Pos(-std::sin(s));
  const double breath = kIdleBreath * torso * std::sin(3 * s);
  const double look = s + j.head_offset;
  return {
      {"hips", 0, 0, hip_roll},
      {"leftUpperLeg", 0, 0, shift - hip_roll},
      {"rightUpperLeg", 0, 0, shift - hip_roll},
      {"leftLowerLeg", knee_l, 0, 0},
      {"rightLowerLeg", knee_r, 0, 0},
      {"leftFoot", -knee_l, 0, 0},
      {"rightFoot", -knee_r, 0, 0},
      {"spine", 0, 0, -0.6 * hip_roll},
      {"chest", -breath, 0, -0.4 * hip_roll},
      {"head", kIdleHeadPitch * head * std::sin(2 * look + 0.5), 0, 0},
      {"neck", 0, kIdleHeadYaw * head * (0.8 * std::sin(look) + 0.2 * std::sin(2 * look + 1)), 0},
      {"leftUpperArm", kIdleArm * arms * std::sin(s + 0.7), 0, 0.5 * breath},
      {"rightUpperArm", kIdleArm * arms * std::sin(s + 2.1), 0, -0.5 * breath},
  };
}

// Sit: a seated spectator on a seat at knee height, feet flat in front of it. The phase moves the
// head (looking around the stand), the breathing and a slow forward lean; the jitter changes how
// far the knees are apart and how the arms rest.
std::vector<BoneMotion> Sit(double phase, double amp, const Jitter& j) {
  const double s = kTwoPi * phase;
  const double arms = j.arms, torso = amp * j.torso, head = amp * j.head;
  const double breath = kIdleBreath * torso * std::sin(3 * s);
  const double lean = kSitLean * torso * (0.5 + 0.5 * std::sin(s + 1.3));
  const double apart = kSitKneesApart * j.legs;
  const double look = s + j.head_offset;
  return {
      {"leftUpperLeg", -kSitHip, apart, 0},
      {"rightUpperLeg", -kSitHip, -apart, 0},
      {"leftLowerLeg", kSitKnee, -apart, 0},
      {"rightLowerLeg", kSitKnee, apart, 0},
      {"leftFoot", 0, 0, 0},
      {"spine", -lean, 0, 0},
      {"chest", -breath, 0, 0},
      {"head", kIdleHeadPitch * head * std::sin(2 * look + 0.5) + 0.5 * lean, 0, 0},
      {"neck", 0, kIdleHeadYaw * head * (0.8 * std::sin(look) + 0.2 * std::sin(2 * look + 1)), 0},
      {"leftUpperArm", -kSitUpperArm * arms - lean, 0, 0.5 * breath},
      {"rightUpperArm", -kSitUpperArm * arms - lean, 0, -0.5 * breath},
      {"leftLowerArm", -kSitElbow * arms, 0, 0},
      {"rightLowerArm", -kSitElbow * arms, 0, 0},
  };
}

Mat4f RotationX(double a) {  // +Y towards +Z
  Mat4f r;
  const auto c = static_cast<float>(std::cos(a)), s = static_cast<float>(std::sin(a));
  r.m[1] = {0, c, s, 0};
  r.m[2] = {0, -s, c, 0};
  return r;
}

Mat4f RotationZ(double a) {  // +X towards +Y
  Mat4f r;
  const auto c = static_cast<float>(std::cos(a)), s = static_cast<float>(std::sin(a));
  r.m[0] = {c, s, 0, 0};
  r.m[1] = {-s, c, 0, 0};
  return r;
}

Vec3f Origin(const Mat4f& m) { return {m.m[3][0], m.m[3][1], m.m[3][2]}; }

Status CheckSkin(const geom::Mesh& m) {
  const geom::Skeleton& sk = *m.skeleton;
  for (size_t b = 0; b < sk.bones.size(); ++b) {
    if (sk.bones[b].parent >= static_cast<int>(b)) {
      return InvalidArgument("bone " + sk.bones[b].name + " comes before its parent");
    }
  }
  if (m.skin.joints.size() != m.positions.size() || m.skin.weights.size() != m.positions.size()) {
    return InvalidArgument("skin weights are not one per vertex");
  }
  for (const auto& joints : m.skin.joints) {
    for (uint16_t j : joints) {
      if (j >= sk.bones.size()) return InvalidArgument("a skin weight names a missing bone");
    }
  }
  if (!m.normals.empty() && m.normals.size() != m.positions.size()) {
    return InvalidArgument("normals are not one per vertex");
  }
  return Status::Ok();
}

// Procedural motion as rotations of `sk`'s bones; bones the rig lacks are left out (their
// children follow the parent).
std::vector<BoneRotation> OnSkeleton(const geom::Skeleton& sk,
                                     const std::vector<BoneMotion>& motion) {
  std::vector<BoneRotation> out;
  for (const BoneMotion& m : motion) {
    const int b = sk.Find(std::string(m.bone));
    if (b < 0) continue;
    out.push_back(
        {b, Mat4f::RotationY(static_cast<float>(m.yaw)) * RotationX(m.pitch) * RotationZ(m.roll)});
  }
  return out;
}

PartScale ScaleOf(const Jitter& j) { return {j.legs, j.arms, j.torso, j.head}; }

// The walk clip on `sk`: FailedPrecondition when the rig lacks a bone it needs, Internal when the
// embedded clip cannot be read.
Result<RetargetedWalk> WalkOn(const geom::Skeleton& sk) {
  FIGURANT_ASSIGN_OR_RETURN(const WalkClip* clip, WalkClip::Embedded());
  return clip->On(sk);
}

// The joint rotations of `pose`'s cycle (idle, walk or sit) at its phase.
Result<std::vector<BoneRotation>> CycleMotion(const geom::Skeleton& sk, const PoseSpec& pose) {
  const double phase = pose.phase - std::floor(pose.phase);
  const Jitter jitter = MakeJitter(pose.jitter_seed);
  switch (pose.cycle) {
    case MotionCycle::kWalk: {
      FIGURANT_ASSIGN_OR_RETURN(const RetargetedWalk walk, WalkOn(sk));
      return walk.At(phase, ScaleOf(jitter), pose.amplitude);
    }
    case MotionCycle::kSit:
      return OnSkeleton(sk, Sit(phase, pose.amplitude, jitter));
    default:
      return OnSkeleton(sk, Idle(phase, pose.amplitude, jitter));
  }
}

// A skeleton after forward kinematics.
struct PosedSkeleton {
  std::vector<Mat4f> frames;    // T'_b: each bone's posed bone-to-model frame
  std::vector<Mat4f> skinning;  // T'_b · bind_b⁻¹: takes a bind-pose point to its posed place
};

// Forward kinematics of `motion` on `sk` (see pose_variation.h). Bones the motion does not name,
// or the rig lacks, keep their bind pose relative to their parent.
PosedSkeleton PoseSkeleton(const geom::Skeleton& sk, const std::vector<BoneRotation>& motion) {
  const size_t n = sk.bones.size();
  std::vector<Mat4f> bind_inv(n), local(n);
  for (size_t b = 0; b < n; ++b) bind_inv[b] = sk.bones[b].bind_pose.InverseAffine();
  for (const BoneRotation& m : motion) {
    const auto bi = static_cast<size_t>(m.bone);
    const Mat4f& frame = sk.bones[bi].bind_pose;
    const Vec3f head = Origin(frame);
    local[bi] =
        bind_inv[bi] * Mat4f::Translation(head) * m.rotation * Mat4f::Translation(-head) * frame;
  }
  PosedSkeleton out{std::vector<Mat4f>(n), std::vector<Mat4f>(n)};
  for (size_t b = 0; b < n; ++b) {
    const int p = sk.bones[b].parent;
    const Mat4f& frame = sk.bones[b].bind_pose;
    out.frames[b] = p < 0 ? frame * local[b]
                          : out.frames[static_cast<size_t>(p)] *
                                (bind_inv[static_cast<size_t>(p)] * frame) * local[b];
    out.skinning[b] = out.frames[b] * bind_inv[b];
  }
  return out;
}

// One vertex's linear blend of its bones' skinning matrices, weights renormalised; a vertex
// without weights moves rigidly with the root.
Mat4f BlendMatrix(const std::array<uint16_t, geom::kMaxInfluences>& joints,
                  const std::array<float, geom::kMaxInfluences>& weights,
                  const std::vector<Mat4f>& skinning) {
  constexpr size_t kRoot = 0;
  float total = 0;
  for (float w : weights) total += w;
  if (!(total > 0)) return skinning[kRoot];
  Mat4f blend;
  for (int c = 0; c < 3; ++c) {
    for (int r = 0; r < 3; ++r) blend.m[c][r] = 0;
  }
  for (int r = 0; r < 3; ++r) blend.m[3][r] = 0;
  for (int k = 0; k < geom::kMaxInfluences; ++k) {
    const float w = weights[k] / total;
    if (w == 0) continue;
    const Mat4f& s = skinning[joints[k]];
    for (int c = 0; c < 4; ++c) {
      for (int r = 0; r < 3; ++r) blend.m[c][r] += w * s.m[c][r];
    }
  }
  return blend;
}

// `bind` with its positions, normals and skeleton moved to `skeleton`'s pose (not re-grounded).
geom::Mesh SkinMesh(const geom::Mesh& bind, const PosedSkeleton& skeleton) {
  geom::Mesh out = bind;
  for (size_t v = 0; v < bind.positions.size(); ++v) {
    const Mat4f blend = BlendMatrix(bind.skin.joints[v], bind.skin.weights[v], skeleton.skinning);
    out.positions[v] = blend.TransformPoint(bind.positions[v]);
    if (!bind.normals.empty()) {
      out.normals[v] = geom::Normalize(blend.TransformVector(bind.normals[v]));
    }
  }
  for (size_t b = 0; b < skeleton.frames.size(); ++b) {
    out.skeleton->bones[b].bind_pose = skeleton.frames[b];
  }
  return out;
}

// Re-ground: `posed` moves vertically so that its lowest vertex is as low as `bind`'s.
void Reground(geom::Mesh& posed, const geom::Mesh& bind) {
  float bind_low = INFINITY, posed_low = INFINITY;
  for (size_t v = 0; v < bind.positions.size(); ++v) {
    bind_low = std::min(bind_low, bind.positions[v].y);
    posed_low = std::min(posed_low, posed.positions[v].y);
  }
  const float drop = bind.positions.empty() ? 0.0f : bind_low - posed_low;
  for (Vec3f& p : posed.positions) p.y += drop;
  const Mat4f lift = Mat4f::Translation({0, drop, 0});
  for (geom::Bone& bone : posed.skeleton->bones) bone.bind_pose = lift * bone.bind_pose;
}

}  // namespace

std::string_view MotionCycleName(MotionCycle cycle) {
  switch (cycle) {
    case MotionCycle::kStill:
      return "still";
    case MotionCycle::kIdle:
      return "idle";
    case MotionCycle::kWalk:
      return "walk";
    case MotionCycle::kSit:
      return "sit";
  }
  return "still";
}

double DefaultCycleSeconds(MotionCycle cycle) {
  constexpr double kIdleSeconds = 6.0, kWalkSeconds = 1.1;
  return cycle == MotionCycle::kWalk ? kWalkSeconds : kIdleSeconds;
}

std::optional<MotionCycle> ParseMotionCycle(std::string_view name) {
  for (MotionCycle c :
       {MotionCycle::kStill, MotionCycle::kIdle, MotionCycle::kWalk, MotionCycle::kSit}) {
    if (MotionCycleName(c) == name) return c;
  }
  return std::nullopt;
}

MotionCheck CheckMotionSupport(const geom::Mesh& mesh) {
  if (!mesh.skeleton || mesh.skeleton->bones.empty()) {
    return {MotionSupport::kNoSkeleton, "the double has no skeleton"};
  }
  if (mesh.skin.joints.empty())
    return {MotionSupport::kNoSkeleton, "the double has no skin weights"};
  for (std::string_view bone : kRequiredBones) {
    if (mesh.skeleton->Find(std::string(bone)) < 0) {
      return {MotionSupport::kMissingBones, "the skeleton has no bone named " + std::string(bone)};
    }
  }
  return {MotionSupport::kSupported, ""};
}

Result<geom::Mesh> PoseMesh(const geom::Mesh& bind, const PoseSpec& pose) {
  if (!std::isfinite(pose.phase)) return InvalidArgument("pose phase must be a finite number");
  if (!(pose.amplitude >= 0 && pose.amplitude <= 2)) {
    return InvalidArgument("pose amplitude must be in 0..2");
  }
  if (pose.cycle == MotionCycle::kStill) return bind;
  if (const MotionCheck check = CheckMotionSupport(bind); !check.ok()) {
    return FailedPrecondition(check.detail);
  }
  FIGURANT_RETURN_IF_ERROR(CheckSkin(bind));
  FIGURANT_ASSIGN_OR_RETURN(const std::vector<BoneRotation> motion,
                            CycleMotion(*bind.skeleton, pose));
  const PosedSkeleton skeleton = PoseSkeleton(*bind.skeleton, motion);
  geom::Mesh out = SkinMesh(bind, skeleton);
  Reground(out, bind);
  return out;
}

Result<geom::DoubleAsset> PoseDouble(const geom::DoubleAsset& bind, const PoseSpec& pose) {
  FIGURANT_ASSIGN_OR_RETURN(geom::Mesh mesh, PoseMesh(bind.mesh, pose));
  return geom::DoubleAsset{std::move(mesh), bind.lods};
}

Stride::Stride(std::vector<double> distance, std::vector<double> side,
               std::vector<std::array<double, 2>> planted, double right_from)
    : distance_(std::move(distance)),
      side_(std::move(side)),
      planted_(std::move(planted)),
      right_from_(right_from) {
  double mean = 0;
  for (size_t k = 0; k + 1 < side_.size(); ++k) mean += side_[k];
  mean /= static_cast<double>(side_.size() - 1);
  for (double& s : side_) s -= mean;
}

namespace {
// `samples` at `phase` in [0, 1], sampled at k / (size - 1), interpolated linearly.
double Interpolate(const std::vector<double>& samples, double phase) {
  const double x = std::clamp(phase, 0.0, 1.0) * static_cast<double>(samples.size() - 1);
  const auto k = std::min(static_cast<size_t>(x), samples.size() - 2);
  const double t = x - static_cast<double>(k);
  return samples[k] + t * (samples[k + 1] - samples[k]);
}
}  // namespace

double Stride::DistanceAt(double phase) const { return Interpolate(distance_, phase); }
double Stride::SideAt(double phase) const { return Interpolate(side_, phase); }

std::array<double, 2> Stride::PlantedAnkleAt(double phase) const {
  const double x = std::clamp(phase, 0.0, 1.0) * static_cast<double>(planted_.size() - 1);
  return planted_[std::min(static_cast<size_t>(std::lround(x)), planted_.size() - 1)];
}

double Stride::PhaseAt(double distance) const {
  const double len = length_m();
  double d = std::fmod(distance, len);
  if (d < 0) d += len;
  // The first sample at or past d, then back along its segment.
  const auto it = std::lower_bound(distance_.begin(), distance_.end(), d);
  const auto k = static_cast<size_t>(std::max<std::ptrdiff_t>(1, it - distance_.begin()));
  const double a = distance_[k - 1], b = distance_[std::min(k, distance_.size() - 1)];
  const double t = b > a ? (d - a) / (b - a) : 0.0;
  const double phase = (static_cast<double>(k - 1) + t) / static_cast<double>(distance_.size() - 1);
  return phase >= 1 ? 0.0 : phase;
}

Result<Stride> WalkStride(const geom::Mesh& bind, uint64_t jitter_seed) {
  if (const MotionCheck check = CheckMotionSupport(bind); !check.ok()) {
    return FailedPrecondition(check.detail);
  }
  const geom::Skeleton& sk = *bind.skeleton;
  const int ankles[2] = {
      sk.Find("leftFoot") >= 0 ? sk.Find("leftFoot") : sk.Find("leftLowerLeg"),
      sk.Find("rightFoot") >= 0 ? sk.Find("rightFoot") : sk.Find("rightLowerLeg")};
  FIGURANT_ASSIGN_OR_RETURN(const RetargetedWalk walk, WalkOn(sk));
  const PartScale scale = ScaleOf(MakeJitter(jitter_seed));
  // Where each ankle is (its bone's head; the lower leg's, without a foot bone: the knee, which
  // moves with the planted leg as the ankle does) at each sample: [x, z] per foot.
  std::vector<std::array<Vec3f, 2>> at(kStrideSamples + 1);
  for (int k = 0; k <= kStrideSamples; ++k) {
    const double phase = static_cast<double>(k) / kStrideSamples;
    const PosedSkeleton posed = PoseSkeleton(sk, walk.At(phase, scale, 1));
    for (int f = 0; f < 2; ++f) {
      at[static_cast<size_t>(k)][static_cast<size_t>(f)] =
          Origin(posed.frames[static_cast<size_t>(ankles[f])]);
    }
  }
  // The left foot lands (is furthest forward) at phase 0; the right takes over where it lands.
  size_t right_lands = 0;
  for (size_t k = 1; k < kStrideSamples; ++k) {
    if (at[k][1].z > at[right_lands][1].z) right_lands = k;
  }
  const auto foot = [right_lands](size_t k) -> size_t { return k < right_lands ? 0 : 1; };
  std::vector<double> distance(kStrideSamples + 1, 0.0), side(kStrideSamples + 1, 0.0);
  std::vector<std::array<double, 2>> planted(kStrideSamples + 1);
  for (size_t k = 0; k <= kStrideSamples; ++k) {
    const Vec3f& ankle = at[k][foot(k)];
    planted[k] = {ankle.x, ankle.z};
  }
  for (size_t k = 1; k <= kStrideSamples; ++k) {
    const size_t planted = foot(k - 1);
    const Vec3f move = at[k][planted] - at[k - 1][planted];
    distance[k] = distance[k - 1] + std::max(0.0, -static_cast<double>(move.z));
    side[k] = side[k - 1] - move.x;
  }
  if (!(distance.back() > 0.05) || right_lands == 0) {
    return InvalidArgument("the walk moves neither ankle back along +Z: this rig cannot travel");
  }
  return Stride(std::move(distance), std::move(side), std::move(planted),
                static_cast<double>(right_lands) / kStrideSamples);
}

TravelPose TravelAt(const Stride& stride, double phase0, double distance_m, int variants) {
  const double p = stride.PhaseAt(stride.DistanceAt(phase0) + distance_m);
  const double v = static_cast<double>(std::max(1, variants));
  const double q = std::round(p * v);  // in 0..variants: the nearest step, 1 past the last
  const int step = static_cast<int>(q) % std::max(1, variants);
  const double shown = step / v;
  return {step, stride.DistanceAt(p) - stride.DistanceAt(q / v), stride.SideAt(q / v),
          stride.LeftPlantedAt(shown), stride.PlantedAnkleAt(shown)};
}

}  // namespace figurant::anim
