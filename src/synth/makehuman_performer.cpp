#include "synth/makehuman_performer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <string>

#include "core/random.h"

namespace figurant::synth {
namespace {

namespace fs = std::filesystem;

// MakeHuman's age slider: 0.5 is 25 years, 1 is 90; 0.39 ≈ 20 years, 0.85 ≈ 70 years.
constexpr double kAdultAgeMin = 0.39;
constexpr double kAdultAgeMax = 0.85;
constexpr int kHeightRedraws = 6;
constexpr double kHeightStep = 0.2;  // height slider change per redraw

// Linear albedos of the three ethnic extremes MakeHuman blends its skin between (litsphere
// African, Asian, Caucasian), roughly.
constexpr double kSkinAfrican[3] = {0.20, 0.11, 0.065};
constexpr double kSkinAsian[3] = {0.52, 0.36, 0.24};
constexpr double kSkinCaucasian[3] = {0.68, 0.47, 0.38};
constexpr float kShoes[3] = {0.03f, 0.025f, 0.02f};

enum class Cloth { kSkin, kTop, kBottom, kShoes };

// Which garment covers a vertex that follows `bone` most, for an outfit (0 casual, 1 formal,
// 2 winter coat, 3 summer).
Cloth ClothOf(const std::string& bone, int outfit) {
  // MakeHuman names where the humanoid mapping has none: spine05 is the lower belly and crotch,
  // spine02 the chest below the shoulders.
  static const std::set<std::string> kTorso = {
      "spine",         "chest",         "upperChest",   "spine02",     "leftShoulder",
      "rightShoulder", "shoulder01.L",  "shoulder01.R", "breast.L",    "breast.R",
      "leftUpperArm",  "rightUpperArm", "upperarm02.L", "upperarm02.R"};
  static const std::set<std::string> kForearm = {"leftLowerArm", "rightLowerArm", "lowerarm02.L",
                                                 "lowerarm02.R"};
  static const std::set<std::string> kHips = {"hips",         "spine05",      "pelvis.L",
                                              "pelvis.R",     "leftUpperLeg", "rightUpperLeg",
                                              "upperleg02.L", "upperleg02.R"};
  static const std::set<std::string> kShin = {"leftLowerLeg", "rightLowerLeg", "lowerleg02.L",
                                              "lowerleg02.R"};
  const bool long_sleeves = outfit == 1 || outfit == 2;
  const bool long_legs = outfit != 3;
  if (kTorso.contains(bone) || (long_sleeves && kForearm.contains(bone))) return Cloth::kTop;
  if (kHips.contains(bone) || (long_legs && kShin.contains(bone))) return Cloth::kBottom;
  if (bone == "leftFoot" || bone == "rightFoot" || bone.find("toe") != std::string::npos ||
      bone.find("Toes") != std::string::npos) {
    return Cloth::kShoes;
  }
  return Cloth::kSkin;
}

}  // namespace

Result<MakeHumanKit> OpenMakeHumanKit(const fs::path& dir) {
  MakeHumanKit kit;
  kit.dir = dir;
  std::error_code ec;
  for (const char* need : {"3dobjs/base.obj", "targets/macrodetails", "rigs/default.mhskel",
                           "rigs/default_weights.mhw"}) {
    if (!fs::exists(dir / need, ec)) {
      return NotFound((dir / need).string() + ": missing (is " + dir.string() +
                      " a MakeHuman data directory?)");
    }
  }
  return kit;
}

MakeHumanDraw DrawMakeHuman(uint64_t seed, bool female) {
  Rng r(Rng::Mix(seed ^ 0x3a4e4a3a4e4aULL));
  MakeHumanDraw d;
  scan::MakeHumanBody& b = d.body;
  b.gender = female ? r.Uniform(0.0, 0.3) : r.Uniform(0.7, 1.0);
  b.age = r.Uniform(kAdultAgeMin, kAdultAgeMax);
  b.muscle = r.Uniform(0.3, 0.8);
  b.weight = r.Uniform(0.25, 0.85);
  b.height = r.Uniform(0.1, 0.9);
  // An ethnic mix with usually one dominant strand: cubes of uniforms, normalised.
  std::array<double, 3> mix{};
  double sum = 0;
  for (double& m : mix) {
    const double u = r.Uniform(0.02, 1.0);
    m = u * u * u;
    sum += m;
  }
  b.african = mix[0] / sum;
  b.asian = mix[1] / sum;
  b.caucasian = mix[2] / sum;
  // Scanned standing, as at a scanning session: the crowd's motion cycles (anim/pose_variation.h)
  // vary the pose about it, and a double frozen mid-stride would walk, idle or sit about that
  // stride.
  d.pose.named = "stand";
  return d;
}

void DressMakeHuman(geom::Mesh& m, const BodyParams& params) {
  if (!m.skeleton || m.skin.joints.size() != m.positions.size()) return;
  std::vector<Cloth> cloth(m.positions.size(), Cloth::kSkin);
  for (size_t v = 0; v < m.positions.size(); ++v) {
    const auto& w = m.skin.weights[v];
    const auto strongest = static_cast<size_t>(std::max_element(w.begin(), w.end()) - w.begin());
    const uint16_t bone = m.skin.joints[v][strongest];
    if (bone < m.skeleton->bones.size()) {
      cloth[v] = ClothOf(m.skeleton->bones[bone].name, params.outfit);
    }
  }
  const auto rgb = [](const double c[3]) {
    return geom::Vec3f{static_cast<float>(c[0]), static_cast<float>(c[1]),
                       static_cast<float>(c[2])};
  };
  m.colors.resize(m.positions.size());
  for (size_t v = 0; v < m.positions.size(); ++v) {
    switch (cloth[v]) {
      case Cloth::kTop:
        m.colors[v] = rgb(params.top_color);
        break;
      case Cloth::kBottom:
        m.colors[v] = rgb(params.bottom_color);
        break;
      case Cloth::kShoes:
        m.colors[v] = {kShoes[0], kShoes[1], kShoes[2]};
        break;
      case Cloth::kSkin:
        m.colors[v] = rgb(params.skin);
        break;
    }
  }
  // A triangle is what most of its corners are.
  m.regions.assign(m.triangle_count(), geom::Region::kSkin);
  for (size_t t = 0; t < m.triangle_count(); ++t) {
    std::array<int, 4> votes{};
    for (int k = 0; k < 3; ++k) ++votes[static_cast<size_t>(cloth[m.indices[3 * t + k]])];
    const auto most =
        static_cast<Cloth>(std::max_element(votes.begin(), votes.end()) - votes.begin());
    if (most == Cloth::kTop || most == Cloth::kBottom) {
      m.regions[t] = geom::Region::kWardrobe;
    } else if (most == Cloth::kShoes) {
      m.regions[t] = geom::Region::kOther;
    }
  }
}

Result<scan::ImportedScan> BuildMakeHumanDouble(SyntheticPerformer& p, const MakeHumanKit& kit) {
  MakeHumanDraw d = DrawMakeHuman(p.seed, p.params.female);
  Result<scan::ImportedScan> s = InvalidArgument("not built");
  for (int attempt = 0; attempt <= kHeightRedraws; ++attempt) {
    s = scan::ImportMakeHuman(kit.dir, d.body, {}, d.pose);
    if (!s.ok()) return s.status();
    if (s->height_m < kMinHeightM) {
      d.body.height = std::min(1.0, d.body.height + kHeightStep);
    } else if (s->height_m > kMaxHeightM) {
      d.body.height = std::max(0.0, d.body.height - kHeightStep);
    } else {
      break;
    }
  }
  if (s->height_m < kMinHeightM || s->height_m > kMaxHeightM) {
    return InvalidArgument("MakeHuman body for seed " + std::to_string(p.seed) + " is " +
                           std::to_string(s->height_m) + " m tall whatever its height slider");
  }
  BodyParams& b = p.params;
  b.height_m = s->height_m;
  for (int i = 0; i < 3; ++i) {
    b.skin[i] = d.body.african * kSkinAfrican[i] + d.body.asian * kSkinAsian[i] +
                d.body.caucasian * kSkinCaucasian[i];
  }
  DressMakeHuman(s->asset.mesh, b);
  return s;
}

}  // namespace figurant::synth
