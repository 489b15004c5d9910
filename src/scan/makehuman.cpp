// MakeHuman bodies: the neutral base mesh (3dobjs/base.obj, decimetres, +Y up, facing +Z) plus
// macro morph targets weighted as MakeHuman 1.x's MacroModifier computes them
// (makehumancommunity/makehuman, apps/humanmodifier.py), the default skeleton
// (rigs/default.mhskel) and its skin weights (rigs/default_weights.mhw).
// The .obj and .target readers below are for MakeHuman's own files (no library reads .target).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/crypto.h"
#include "core/file.h"
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

struct BaseMesh {
  std::vector<Vec3f> positions;               // all 19,158 vertices (decimetres)
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

Result<BaseMesh> ReadBaseObj(const fs::path& file, std::string& bytes_out) {
  FIGURANT_ASSIGN_OR_RETURN(std::string text, ReadFile(file));
  BaseMesh m;
  std::string group;
  size_t line_no = 0, pos = 0;
  auto bad = [&](const std::string& why) {
    return InvalidArgument(file.string() + ":" + std::to_string(line_no) + ": " + why);
  };
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    const auto f = Fields(line);
    if (f.empty()) continue;
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
      std::vector<uint32_t> idx;
      for (size_t k = 1; k < f.size(); ++k) {
        uint32_t v = 0;
        const auto slash = f[k].find('/');
        const std::string_view num = f[k].substr(0, slash);
        if (std::from_chars(num.data(), num.data() + num.size(), v).ec != std::errc() || v == 0 ||
            v > m.positions.size()) {
          return bad("face refers to a vertex that does not exist");
        }
        idx.push_back(v - 1);
      }
      if (idx.size() < 3) return bad("face with fewer than 3 vertices");
      for (size_t k = 1; k + 1 < idx.size(); ++k) m.body.push_back({idx[0], idx[k], idx[k + 1]});
    }
  }
  if (m.body.empty()) return InvalidArgument(file.string() + ": no faces in group 'body'");
  bytes_out = std::move(text);
  return m;
}

Status ApplyTarget(const fs::path& file, double weight, std::vector<Vec3f>& positions) {
  FIGURANT_ASSIGN_OR_RETURN(std::string text, ReadFile(file));
  size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    const auto f = Fields(line);
    if (f.empty() || f[0][0] == '#') continue;
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
  }
  return Status::Ok();
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

Vec3f Mean(const std::vector<Vec3f>& positions, const json& vertices) {
  Vec3f sum;
  int n = 0;
  for (const json& v : vertices) {
    if (!v.is_number_unsigned() || v.get<size_t>() >= positions.size()) continue;
    sum += positions[v.get<size_t>()];
    ++n;
  }
  return n > 0 ? sum / static_cast<float>(n) : sum;
}

// The default skeleton posed on the morphed mesh: joint positions are means of vertex groups;
// each bone's bind frame has +Y along head → tail.
Result<geom::Skeleton> ReadSkeleton(const fs::path& file, const std::vector<Vec3f>& positions,
                                    std::map<std::string, int>& index_of) {
  FIGURANT_ASSIGN_OR_RETURN(std::string text, ReadFile(file));
  const json doc = json::parse(text, nullptr, false);
  if (!doc.is_object() || !doc.contains("bones") || !doc.contains("joints")) {
    return InvalidArgument(file.string() + ": not a MakeHuman skeleton (.mhskel)");
  }
  const json& bones = doc["bones"];
  const json& joints = doc["joints"];
  // Order bones parents-first.
  std::vector<std::string> order;
  std::set<std::string> placed;
  for (size_t guard = 0; order.size() < bones.size() && guard <= bones.size(); ++guard) {
    for (const auto& [name, b] : bones.items()) {
      if (placed.contains(name)) continue;
      const bool root = !b.contains("parent") || b["parent"].is_null();
      if (root || placed.contains(b["parent"].get<std::string>())) {
        order.push_back(name);
        placed.insert(name);
      }
    }
  }
  if (order.size() != bones.size()) {
    return InvalidArgument(file.string() + ": bone hierarchy has a cycle or a missing parent");
  }
  geom::Skeleton sk;
  for (const std::string& name : order) {
    const json& b = bones[name];
    const std::string head_j = b.value("head", ""), tail_j = b.value("tail", "");
    if (!joints.contains(head_j) || !joints.contains(tail_j)) {
      return InvalidArgument(file.string() + ": bone " + name + " refers to a missing joint");
    }
    const Vec3f head = Mean(positions, joints[head_j]);
    const Vec3f tail = Mean(positions, joints[tail_j]);
    Vec3f y = geom::Normalize(tail - head);
    if (geom::Length(y) == 0) y = {0, 1, 0};
    Vec3f z = std::fabs(y.z) < 0.9f ? Vec3f{0, 0, 1} : Vec3f{1, 0, 0};
    const Vec3f x = geom::Normalize(geom::Cross(y, z));
    z = geom::Cross(x, y);
    geom::Mat4f pose;
    pose.m[0] = {x.x, x.y, x.z, 0};
    pose.m[1] = {y.x, y.y, y.z, 0};
    pose.m[2] = {z.x, z.y, z.z, 0};
    pose.m[3] = {head.x, head.y, head.z, 1};
    const bool root = !b.contains("parent") || b["parent"].is_null();
    const int parent = root ? -1 : index_of.at(b["parent"].get<std::string>());
    index_of[name] = static_cast<int>(sk.bones.size());
    sk.bones.push_back({name, parent, pose});
  }
  return sk;
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
  const json doc = json::parse(text, nullptr, false);
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
    } else if (!value.is_number() || value.get<double>() < 0 || value.get<double>() > 1) {
      problems += (problems.empty() ? "" : "\n") + src + ": field '" + key +
                  "': expected a number in 0..1, got " + value.dump();
    } else {
      *it->second = value.get<double>();
    }
  }
  if (!problems.empty()) return InvalidArgument(problems);
  return b;
}

Result<ImportedScan> ImportMakeHuman(const fs::path& dir, const MakeHumanBody& body,
                                     const ImportOptions& options) {
  std::string base_bytes;
  FIGURANT_ASSIGN_OR_RETURN(BaseMesh base, ReadBaseObj(dir / "3dobjs" / "base.obj", base_bytes));
  Sha256Hasher hasher;
  hasher.Update(base_bytes);
  std::vector<Vec3f> positions = base.positions;
  for (const auto& [target, weight] : MakeHumanTargetWeights(body)) {
    const fs::path file = dir / "targets" / target;
    FIGURANT_RETURN_IF_ERROR(ApplyTarget(file, weight, positions));
    hasher.Update(target + ":" + std::to_string(weight) + "\n");
  }

  internal::RawScan raw;
  raw.sha256 = ToHex(hasher.Finish());
  raw.up_is_known_y = true;
  raw.facing_is_known_z = true;
  raw.fixed_units = Units::kDecimetres;
  // Keep only the vertices of the body group, renumbered.
  std::vector<int64_t> remap(positions.size(), -1);
  geom::Mesh& m = raw.mesh;
  for (const auto& tri : base.body) {
    for (uint32_t v : tri) {
      if (remap[v] < 0) {
        remap[v] = static_cast<int64_t>(m.positions.size());
        m.positions.push_back(positions[v]);
      }
      m.indices.push_back(static_cast<uint32_t>(remap[v]));
    }
  }
  m.base_color = {0.62f, 0.45f, 0.36f};  // MakeHuman's default skin tone, linear

  // Skeleton and weights, when the rig files are there.
  const fs::path skel_file = dir / "rigs" / "default.mhskel";
  const fs::path weights_file = dir / "rigs" / "default_weights.mhw";
  std::error_code ec;
  if (fs::exists(skel_file, ec) && fs::exists(weights_file, ec)) {
    std::map<std::string, int> index_of;
    FIGURANT_ASSIGN_OR_RETURN(geom::Skeleton sk, ReadSkeleton(skel_file, positions, index_of));
    FIGURANT_ASSIGN_OR_RETURN(std::string wtext, ReadFile(weights_file));
    const json wdoc = json::parse(wtext, nullptr, false);
    if (!wdoc.is_object() || !wdoc.contains("weights") || !wdoc["weights"].is_object()) {
      return InvalidArgument(weights_file.string() + ": not a MakeHuman weights file (.mhw)");
    }
    m.skin.joints.assign(m.positions.size(), {0, 0, 0, 0});
    m.skin.weights.assign(m.positions.size(), {0, 0, 0, 0});
    for (const auto& [bone, list] : wdoc["weights"].items()) {
      const auto bi = index_of.find(bone);
      if (bi == index_of.end() || !list.is_array()) continue;
      for (const json& pair : list) {
        if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_unsigned() ||
            !pair[1].is_number()) {
          continue;
        }
        const size_t v = pair[0].get<size_t>();
        if (v >= remap.size() || remap[v] < 0) continue;
        const auto bv = static_cast<size_t>(remap[v]);
        const float w = pair[1].get<float>();
        auto& ws = m.skin.weights[bv];
        int weakest = 0;
        for (int k = 1; k < geom::kMaxInfluences; ++k) {
          if (ws[k] < ws[weakest]) weakest = k;
        }
        if (w > ws[weakest]) {
          ws[weakest] = w;
          m.skin.joints[bv][weakest] = static_cast<uint16_t>(bi->second);
        }
      }
    }
    for (size_t v = 0; v < m.positions.size(); ++v) {
      float sum = 0;
      for (float w : m.skin.weights[v]) sum += w;
      if (sum > 0) {
        for (float& w : m.skin.weights[v]) w /= sum;
      } else {
        m.skin.weights[v] = {1, 0, 0, 0};
      }
    }
    m.skeleton = std::move(sk);
  } else {
    raw.warnings.push_back(dir.string() + ": no rigs/default.mhskel; the body is not animatable");
  }
  return internal::Finish(std::move(raw), (dir / "3dobjs" / "base.obj").string(), options);
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
