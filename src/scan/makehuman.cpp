// MakeHuman bodies: the neutral base mesh (3dobjs/base.obj, decimetres, +Y up, facing +Z) plus
// macro morph targets weighted as MakeHuman 1.x's MacroModifier computes them
// (makehumancommunity/makehuman, apps/humanmodifier.py), the default skeleton
// (rigs/default.mhskel) and its skin weights (rigs/default_weights.mhw), optionally posed from a
// BVH clip (anim/makehuman.h) before normalisation.
// The .obj and .target readers below are for MakeHuman's own files (no library reads .target).
#include "anim/makehuman.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "anim/bvh.h"
#include "core/crypto.h"
#include "core/json_input.h"
#include "scan/internal/finish.h"
#include "scan/scan.h"

namespace figurant::scan {
namespace {

namespace fs = std::filesystem;
using geom::Vec3f;
using nlohmann::json;

// Ages on MakeHuman's slider: 0 → 1 year, 0.1875 → 11 years, 0.5 → 25 years, 1 → 90 years.
constexpr double kChildAge = 0.1875;
constexpr double kYoungAge = 0.5;

// MakeHuman's files, relative to its data directory.
constexpr char kBaseObjFile[] = "3dobjs/base.obj";
constexpr char kSkeletonFile[] = "rigs/default.mhskel";
constexpr char kWeightsFile[] = "rigs/default_weights.mhw";

struct BaseMesh {
  std::vector<Vec3f> positions;               // all 19,158 vertices [decimetres]
  std::vector<std::array<uint32_t, 3>> body;  // triangles of the `body` group (base indices)
};

bool ParseFloat(std::string_view s, float& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && std::isfinite(out);
}

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

// Calls `visit(line_no, fields)` for each line of `text` that is neither blank nor a comment
// ('#'): its 1-based number and its whitespace-separated fields. Stops at the first error.
template <typename Visit>
Status ForEachLine(std::string_view text, const Visit& visit) {
  size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const auto f = Fields(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (f.empty() || f[0][0] == '#') continue;
    FIGURANT_RETURN_IF_ERROR(visit(line_no, f));
  }
  return Status::Ok();
}

// An OBJ face's vertex indices (1-based "v", "v/vt" or "v/vt/vn"), 0-based; nullopt when one is
// not a vertex among the first `vertex_count`.
std::optional<std::vector<uint32_t>> FaceVertices(const std::vector<std::string_view>& f,
                                                  size_t vertex_count) {
  std::vector<uint32_t> idx;
  for (size_t k = 1; k < f.size(); ++k) {
    uint32_t v = 0;
    const auto slash = f[k].find('/');
    const std::string_view num = f[k].substr(0, slash);
    if (std::from_chars(num.data(), num.data() + num.size(), v).ec != std::errc() || v == 0 ||
        v > vertex_count) {
      return std::nullopt;
    }
    idx.push_back(v - 1);
  }
  return idx;
}

// The vertices of base.obj and the triangles of its `body` group (fans of its polygons).
Result<BaseMesh> ParseBaseObj(std::string_view text, const fs::path& file) {
  BaseMesh m;
  std::string group;
  FIGURANT_RETURN_IF_ERROR(ForEachLine(text, [&](size_t line_no, const auto& f) -> Status {
    auto bad = [&](const std::string& why) {
      return InvalidArgument(file.string() + ":" + std::to_string(line_no) + ": " + why);
    };
    if (f[0] == "v") {
      Vec3f p;
      if (f.size() < 4 || !ParseFloat(f[1], p.x) || !ParseFloat(f[2], p.y) ||
          !ParseFloat(f[3], p.z)) {
        return bad("malformed vertex");
      }
      m.positions.push_back(p);
    } else if (f[0] == "g") {
      group = f.size() > 1 ? std::string(f[1]) : std::string();
    } else if (f[0] == "f" && group == "body") {
      const auto idx = FaceVertices(f, m.positions.size());
      if (!idx) return bad("face refers to a vertex that does not exist");
      if (idx->size() < 3) return bad("face with fewer than 3 vertices");
      for (size_t k = 1; k + 1 < idx->size(); ++k) {
        m.body.push_back({(*idx)[0], (*idx)[k], (*idx)[k + 1]});
      }
    }
    return Status::Ok();
  }));
  if (m.body.empty()) return InvalidArgument(file.string() + ": no faces in group 'body'");
  return m;
}

// Adds `weight` × the target's offsets ("vertex dx dy dz" lines) to `positions`.
Status ApplyTarget(const fs::path& file, double weight, std::vector<Vec3f>& positions) {
  FIGURANT_ASSIGN_OR_RETURN(std::string text, ReadUserFile(file, anim::kMakeHumanDataFile));
  return ForEachLine(text, [&](size_t line_no, const auto& f) -> Status {
    uint32_t v = 0;
    Vec3f d;
    if (f.size() < 4 ||
        std::from_chars(f[0].data(), f[0].data() + f[0].size(), v).ec != std::errc() ||
        v >= positions.size() || !ParseFloat(f[1], d.x) || !ParseFloat(f[2], d.y) ||
        !ParseFloat(f[3], d.z)) {
      return InvalidArgument(file.string() + ":" + std::to_string(line_no) +
                             ": expected 'vertex dx dy dz'");
    }
    positions[v] += d * static_cast<float>(weight);
    return Status::Ok();
  });
}

// Splits a 0..1 slider into weights of its min / average / max targets (MakeHuman's scheme).
std::map<std::string, double> ThreeWay(double v, const char* lo, const char* mid, const char* hi) {
  if (v < 0.5) return {{lo, 1 - 2 * v}, {mid, 2 * v}};
  return {{mid, 2 - 2 * v}, {hi, 2 * v - 1}};
}

std::map<std::string, double> AgeWeights(double a) {
  if (a < kChildAge) return {{"baby", 1 - a / kChildAge}, {"child", a / kChildAge}};
  if (a < kYoungAge) {
    const double t = (a - kChildAge) / (kYoungAge - kChildAge);
    return {{"child", 1 - t}, {"young", t}};
  }
  const double t = (a - kYoungAge) / (1 - kYoungAge);
  return {{"young", 1 - t}, {"old", t}};
}

// The pose's rotations for `skeleton`; clips are read here.
Result<anim::MhPose> ResolvePose(const fs::path& dir, const MakeHumanPose& pose,
                                 const anim::MhSkeleton& skeleton) {
  if (pose.clip.empty()) {
    if (pose.named == "rest") return anim::RestPose(skeleton);
    if (pose.named == "stand") return anim::StandingPose(skeleton);
    return InvalidArgument("pose '" + pose.named + "': expected rest, stand or a BVH clip");
  }
  fs::path clip = pose.clip;
  std::error_code ec;
  if (clip.is_relative() && !fs::exists(clip, ec) && fs::exists(dir / clip, ec)) clip = dir / clip;
  FIGURANT_ASSIGN_OR_RETURN(anim::BvhClip bvh, anim::LoadBvh(clip));
  auto posed = anim::PoseFromClip(bvh, pose.frame, skeleton);
  if (!posed.ok()) return posed.status().WithContext(clip.string());
  return posed;
}

// The base mesh with the body's macro targets applied.
struct MorphedBody {
  BaseMesh base;      // every base vertex, morphed
  Sha256Hasher hash;  // over base.obj's bytes, then each target's path and weight
};

Result<MorphedBody> MorphBody(const fs::path& dir, const MakeHumanBody& body) {
  const fs::path base_file = dir / kBaseObjFile;
  FIGURANT_ASSIGN_OR_RETURN(std::string base_bytes,
                            ReadUserFile(base_file, anim::kMakeHumanDataFile));
  MorphedBody out;
  FIGURANT_ASSIGN_OR_RETURN(out.base, ParseBaseObj(base_bytes, base_file));
  out.hash.Update(base_bytes);
  for (const auto& [target, weight] : MakeHumanTargetWeights(body)) {
    FIGURANT_RETURN_IF_ERROR(ApplyTarget(dir / "targets" / target, weight, out.base.positions));
    out.hash.Update(target + ":" + std::to_string(weight) + "\n");
  }
  return out;
}

// The `body` group as a mesh of its own: its vertices only, renumbered.
struct BodyMesh {
  geom::Mesh mesh;             // [decimetres]
  std::vector<int64_t> remap;  // base vertex → mesh vertex, or -1 when not in the body group
};

BodyMesh KeepBodyGroup(const MorphedBody& morphed) {
  BodyMesh out;
  out.remap.assign(morphed.base.positions.size(), -1);
  geom::Mesh& m = out.mesh;
  for (const auto& tri : morphed.base.body) {
    for (uint32_t v : tri) {
      if (out.remap[v] < 0) {
        out.remap[v] = static_cast<int64_t>(m.positions.size());
        m.positions.push_back(morphed.base.positions[v]);
      }
      m.indices.push_back(static_cast<uint32_t>(out.remap[v]));
    }
  }
  m.base_color = {0.62f, 0.45f, 0.36f};  // MakeHuman's default skin tone, linear
  return out;
}

// The default skeleton placed on the morphed mesh, and its skin weights.
struct Rig {
  anim::MhSkeleton skeleton;
  anim::MhWeights weights;
};

Result<Rig> LoadRig(const fs::path& dir, const std::vector<Vec3f>& positions) {
  Rig rig;
  FIGURANT_ASSIGN_OR_RETURN(rig.skeleton, anim::LoadMhSkeleton(dir / kSkeletonFile, positions));
  FIGURANT_ASSIGN_OR_RETURN(
      rig.weights, anim::LoadMhWeights(dir / kWeightsFile, rig.skeleton, positions.size()));
  return rig;
}

// The four strongest influences of each body vertex, renormalised; none means rigid with the
// root.
geom::SkinWeights StrongestInfluences(const anim::MhWeights& weights, const BodyMesh& body) {
  const size_t n_vertices = body.mesh.positions.size();
  geom::SkinWeights skin;
  skin.joints.assign(n_vertices, {0, 0, 0, 0});
  skin.weights.assign(n_vertices, {1, 0, 0, 0});
  for (size_t v = 0; v < body.remap.size(); ++v) {
    if (body.remap[v] < 0 || weights.influences[v].empty()) continue;
    auto list = weights.influences[v];
    std::stable_sort(list.begin(), list.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    const size_t n = std::min<size_t>(list.size(), geom::kMaxInfluences);
    float sum = 0;
    for (size_t k = 0; k < n; ++k) sum += list[k].second;
    const auto bv = static_cast<size_t>(body.remap[v]);
    skin.weights[bv] = {0, 0, 0, 0};
    for (size_t k = 0; k < n; ++k) {
      skin.joints[bv][k] = list[k].first;
      skin.weights[bv][k] = list[k].second / sum;
    }
  }
  return skin;
}

// Gives `body` the rig: posed as `pose` asks (its vertices skinned, the skeleton resting in the
// pose), or in MakeHuman's rest pose without one. `positions` are the morphed base vertices.
Status AttachRig(const fs::path& dir, const Rig& rig, const std::vector<Vec3f>& positions,
                 const std::optional<MakeHumanPose>& pose, BodyMesh& body) {
  const anim::MhSkeleton& sk = rig.skeleton;
  std::vector<geom::Mat4f> skinning(sk.bones.size());
  if (pose) {
    FIGURANT_ASSIGN_OR_RETURN(anim::MhPose rotations, ResolvePose(dir, *pose, sk));
    skinning = anim::SkinningMatrices(sk, rotations);
    const std::vector<Vec3f> posed = anim::Skin(positions, rig.weights, skinning);
    for (size_t v = 0; v < body.remap.size(); ++v) {
      if (body.remap[v] >= 0) body.mesh.positions[static_cast<size_t>(body.remap[v])] = posed[v];
    }
  }
  geom::Skeleton skeleton;
  skeleton.bones.reserve(sk.bones.size());
  for (size_t b = 0; b < sk.bones.size(); ++b) {
    skeleton.bones.push_back(
        {sk.bones[b].name, sk.bones[b].parent, skinning[b] * sk.bones[b].rest});
  }
  body.mesh.skin = StrongestInfluences(rig.weights, body);
  body.mesh.skeleton = std::move(skeleton);
  return Status::Ok();
}

}  // namespace

std::vector<std::pair<std::string, double>> MakeHumanTargetWeights(const MakeHumanBody& body) {
  std::vector<std::pair<std::string, double>> out;
  const std::map<std::string, double> gender = {{"female", 1 - body.gender}, {"male", body.gender}};
  const auto age = AgeWeights(body.age);
  const auto muscle = ThreeWay(body.muscle, "minmuscle", "averagemuscle", "maxmuscle");
  const auto weight = ThreeWay(body.weight, "minweight", "averageweight", "maxweight");
  std::map<std::string, double> height;
  if (body.height < 0.5) height = {{"minheight", 1 - 2 * body.height}};
  if (body.height > 0.5) height = {{"maxheight", 2 * body.height - 1}};
  const double race_sum = body.african + body.asian + body.caucasian;
  const std::map<std::string, double> race = {
      {"african", race_sum > 0 ? body.african / race_sum : 1.0 / 3},
      {"asian", race_sum > 0 ? body.asian / race_sum : 1.0 / 3},
      {"caucasian", race_sum > 0 ? body.caucasian / race_sum : 1.0 / 3}};
  constexpr double kNegligible = 1e-6;
  for (const auto& [g, gw] : gender) {
    for (const auto& [a, aw] : age) {
      for (const auto& [m, mw] : muscle) {
        for (const auto& [w, ww] : weight) {
          const double u = gw * aw * mw * ww;
          if (u > kNegligible) {
            out.emplace_back(
                "macrodetails/universal-" + g + "-" + a + "-" + m + "-" + w + ".target", u);
          }
          if (a != "young" && a != "old") continue;
          for (const auto& [h, hw] : height) {
            if (u * hw > kNegligible) {
              out.emplace_back(
                  "macrodetails/height/" + g + "-" + a + "-" + m + "-" + w + "-" + h + ".target",
                  u * hw);
            }
          }
        }
      }
      for (const auto& [r, rw] : race) {
        if (gw * aw * rw > kNegligible) {
          out.emplace_back("macrodetails/" + r + "-" + g + "-" + a + ".target", gw * aw * rw);
        }
      }
    }
  }
  return out;
}

Result<MakeHumanBody> ParseMakeHumanBody(std::string_view text, std::string_view source) {
  FIGURANT_ASSIGN_OR_RETURN(const json doc, ParseJson(text, source));
  const std::string src(source);
  if (!doc.is_object()) return InvalidArgument(src + ": expected a JSON object of body sliders");
  MakeHumanBody b;
  std::map<std::string, double*> fields = {{"gender", &b.gender}, {"age", &b.age},
                                           {"muscle", &b.muscle}, {"weight", &b.weight},
                                           {"height", &b.height}, {"african", &b.african},
                                           {"asian", &b.asian},   {"caucasian", &b.caucasian}};
  std::string problems;
  for (const auto& [key, value] : doc.items()) {
    const auto it = fields.find(key);
    if (it == fields.end()) {
      problems += (problems.empty() ? "" : "\n") + src + ": field '" + key +
                  "': unknown (expected gender, age, muscle, weight, height, african, asian, "
                  "caucasian)";
    } else if (auto v = JsonNumber(value, 0, 1); !v.ok()) {
      problems +=
          (problems.empty() ? "" : "\n") + src + ": field '" + key + "': " + v.status().message();
    } else {
      *it->second = *v;
    }
  }
  if (!problems.empty()) return InvalidArgument(problems);
  return b;
}

Result<MakeHumanPose> ParseMakeHumanPose(std::string_view spec) {
  if (spec.empty()) {
    return InvalidArgument("pose: expected rest, stand, CLIP or CLIP:FRAME, got an empty spec");
  }
  MakeHumanPose pose;
  if (spec == "rest" || spec == "stand") {
    pose.named = std::string(spec);
    return pose;
  }
  pose.named.clear();
  const size_t colon = spec.rfind(':');
  std::string_view path = spec;
  if (colon != std::string_view::npos && colon + 1 < spec.size()) {
    const std::string_view digits = spec.substr(colon + 1);
    int frame = 0;
    const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), frame);
    if (r.ec == std::errc() && r.ptr == digits.data() + digits.size()) {
      pose.frame = frame;
      path = spec.substr(0, colon);
    }
  }
  pose.clip = std::string(path);
  return pose;
}

Result<ImportedScan> ImportMakeHuman(const fs::path& dir, const MakeHumanBody& body,
                                     const ImportOptions& options,
                                     const std::optional<MakeHumanPose>& pose) {
  FIGURANT_ASSIGN_OR_RETURN(MorphedBody morphed, MorphBody(dir, body));
  if (pose) {
    morphed.hash.Update("pose:" + pose->named + ":" + pose->clip.string() + ":" +
                        std::to_string(pose->frame) + "\n");
  }
  BodyMesh mesh = KeepBodyGroup(morphed);
  internal::RawScan raw;
  raw.sha256 = ToHex(morphed.hash.Finish());
  raw.up_is_known_y = true;
  raw.facing_is_known_z = true;
  raw.fixed_units = Units::kDecimetres;
  // Skeleton and weights, when the rig files are there; posing needs them.
  std::error_code ec;
  if (fs::exists(dir / kSkeletonFile, ec) && fs::exists(dir / kWeightsFile, ec)) {
    FIGURANT_ASSIGN_OR_RETURN(const Rig rig, LoadRig(dir, morphed.base.positions));
    FIGURANT_RETURN_IF_ERROR(AttachRig(dir, rig, morphed.base.positions, pose, mesh));
  } else if (pose) {
    return InvalidArgument(dir.string() + ": posing needs " + kSkeletonFile + " and " +
                           kWeightsFile);
  } else {
    raw.warnings.push_back(dir.string() + ": no " + kSkeletonFile + "; the body is not animatable");
  }
  raw.mesh = std::move(mesh.mesh);
  return internal::Finish(std::move(raw), (dir / kBaseObjFile).string(), options);
}

Result<ImportedScan> ImportGenerated(geom::Mesh mesh, std::string_view name,
                                     std::string source_sha256, const ImportOptions& options) {
  internal::RawScan raw;
  raw.mesh = std::move(mesh);
  raw.sha256 = std::move(source_sha256);
  raw.up_is_known_y = true;
  raw.facing_is_known_z = true;
  raw.fixed_units = Units::kMetres;
  return internal::Finish(std::move(raw), name, options);
}

}  // namespace figurant::scan
