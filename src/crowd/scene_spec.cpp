#include "crowd/scene_spec.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <variant>
#include <vector>

#include "core/json_input.h"
#include "crowd/layout.h"

namespace figurant::crowd {
namespace {

using nlohmann::json;

class Problems {
 public:
  explicit Problems(std::string_view source) : source_(source) {}
  void Add(const std::string& field, const std::string& why) {
    lines_.push_back(source_ + ": field '" + field + "': " + why);
  }
  bool empty() const { return lines_.empty(); }
  void Merge(const Status& s) {
    if (!s.ok()) lines_.push_back(s.message());
  }
  Status ToStatus() const {
    std::string m;
    for (const auto& l : lines_) m += (m.empty() ? "" : "\n") + l;
    return InvalidArgument(m);
  }

 private:
  std::string source_;
  std::vector<std::string> lines_;
};

// Levenshtein distance (Wagner & Fischer, "The String-to-String Correction Problem", JACM 1974).
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Typos closer than this to a known field get a "did you mean" hint.
constexpr size_t kHintDistance = 2;

void CheckKeys(const json& obj, const std::string& path, const std::set<std::string>& allowed,
               Problems& p) {
  for (const auto& [k, _] : obj.items()) {
    if (allowed.contains(k)) continue;
    std::string why = "unknown field";
    size_t best = kHintDistance + 1;
    for (const std::string& known : allowed) {
      const size_t d = EditDistance(k, known);
      if (d < best) {
        best = d;
        why = "unknown field (did you mean '" + known + "'?)";
      }
    }
    p.Add(path.empty() ? k : path + "." + k, why);
  }
}

// The field `key` of `parent`, or null when it is absent (then, if required, a problem at `path`:
// "missing (expected <expected>)").
const json* Field(const json& parent, const std::string& key, const std::string& path,
                  std::string_view expected, Problems& p, bool required) {
  const auto it = parent.find(key);
  if (it == parent.end()) {
    if (required) p.Add(path, "missing (expected " + std::string(expected) + ")");
    return nullptr;
  }
  return &*it;
}

const json* Object(const json& parent, const std::string& key, const std::string& path, Problems& p,
                   bool required) {
  const json* v = Field(parent, key, path, "an object", p, required);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) {
    p.Add(path, "expected an object, got " + std::string(v->type_name()));
    return nullptr;
  }
  return v;
}

// Records `value`'s problem at `path` (the typed readers say what was expected and found);
// whether it held a value.
template <typename T>
bool Take(Result<T> value, const std::string& path, T& out, Problems& p) {
  if (!value.ok()) {
    p.Add(path, value.status().message());
    return false;
  }
  out = std::move(value).value();
  return true;
}

bool Vec3(const json& parent, const std::string& key, const std::string& path, geom::Vec3f& out,
          Problems& p, bool required) {
  const json* v = Field(parent, key, path, "[x, y, z]", p, required);
  if (v == nullptr) return false;
  if (!v->is_array() || v->size() != 3) {
    p.Add(path, "expected [x, y, z], got " + JsonExcerpt(*v));
    return false;
  }
  geom::Vec3f out3;
  float* c[3] = {&out3.x, &out3.y, &out3.z};
  for (size_t i = 0; i < 3; ++i) {
    auto n = JsonNumber((*v)[i], -kMaxVectorComponent, kMaxVectorComponent);
    if (!n.ok()) {
      p.Add(path, "expected three numbers in [-1e+06, 1e+06], got " + JsonExcerpt(*v));
      return false;
    }
    *c[i] = static_cast<float>(*n);
  }
  out = out3;
  return true;
}

bool Num(const json& parent, const std::string& key, const std::string& path, double& out,
         double lo, double hi, Problems& p, bool required) {
  const json* v = Field(parent, key, path, "a number", p, required);
  return v != nullptr && Take(JsonNumber(*v, lo, hi), path, out, p);
}

bool Int(const json& parent, const std::string& key, const std::string& path, int& out, int lo,
         int hi, Problems& p, bool required) {
  const json* v = Field(parent, key, path, "an integer", p, required);
  int64_t i = 0;
  if (v == nullptr || !Take(JsonInteger(*v, lo, hi), path, i, p)) return false;
  out = static_cast<int>(i);
  return true;
}

bool Str(const json& parent, const std::string& key, const std::string& path, std::string& out,
         Problems& p, bool required) {
  const json* v = Field(parent, key, path, "a string", p, required);
  return v != nullptr && Take(JsonString(*v), path, out, p);
}

bool Bool(const json& parent, const std::string& key, const std::string& path, bool& out,
          Problems& p) {
  const json* v = Field(parent, key, path, "true or false", p, false);
  return v != nullptr && Take(JsonBool(*v), path, out, p);
}

// `figurant_scene`: the format version this build reads.
void CheckVersion(const json& doc, Problems& p) {
  int version = 0;
  if (Int(doc, "figurant_scene", "figurant_scene", version, 1, 1000, p, true) &&
      version != kSceneVersion) {
    p.Add("figurant_scene", "version " + std::to_string(version) + " is not supported (this " +
                                "figurant reads version " + std::to_string(kSceneVersion) + ")");
  }
}

uint64_t ParseSeed(const json& doc, Problems& p) {
  uint64_t seed = 0;
  if (const json* v = Field(doc, "seed", "seed", "", p, false)) {
    Take(JsonUnsigned(*v), "seed", seed, p);
  }
  return seed;
}

// `camera.resolution`: [width, height], each 1..kMaxResolutionSide, at most kMaxPixels in all.
void ParseResolution(const json& cam, geom::Camera& c, Problems& p) {
  const json* r = Field(cam, "resolution", "camera.resolution", "", p, false);
  if (r == nullptr) return;
  const std::string expected = "expected [width, height] in pixels, each 1.." +
                               std::to_string(kMaxResolutionSide) + ", at most " +
                               std::to_string(kMaxPixels) + " pixels in all";
  if (!r->is_array() || r->size() != 2) {
    p.Add("camera.resolution", expected + ", got " + JsonExcerpt(*r));
    return;
  }
  auto w = JsonInteger((*r)[0], 1, kMaxResolutionSide);
  auto h = JsonInteger((*r)[1], 1, kMaxResolutionSide);
  if (!w.ok() || !h.ok() || *w * *h > kMaxPixels) {
    p.Add("camera.resolution", expected + ", got " + JsonExcerpt(*r));
    return;
  }
  c.width = static_cast<int>(*w);
  c.height = static_cast<int>(*h);
}

geom::Camera ParseCamera(const json& doc, Problems& p) {
  geom::Camera c;
  const json* cam = Object(doc, "camera", "camera", p, true);
  if (cam == nullptr) return c;
  CheckKeys(*cam, "camera",
            {"position", "look_at", "up", "focal_length_mm", "sensor_width_mm", "resolution"}, p);
  Vec3(*cam, "position", "camera.position", c.position, p, true);
  Vec3(*cam, "look_at", "camera.look_at", c.look_at, p, true);
  Vec3(*cam, "up", "camera.up", c.up, p, false);
  Num(*cam, "focal_length_mm", "camera.focal_length_mm", c.focal_length_mm, 1, 2000, p, false);
  Num(*cam, "sensor_width_mm", "camera.sensor_width_mm", c.sensor_width_mm, 1, 200, p, false);
  ParseResolution(*cam, c, p);
  if (geom::Length(c.look_at - c.position) == 0) {
    p.Add("camera.look_at", "must differ from camera.position");
  } else if (geom::Length(geom::Cross(geom::Normalize(c.look_at - c.position),
                                      geom::Normalize(c.up))) < 1e-4f) {
    p.Add("camera.up", "must not be parallel to the viewing direction");
  }
  return c;
}

FrameRange ParseFrames(const json& doc, Problems& p) {
  FrameRange r;
  const json* f = Object(doc, "frames", "frames", p, false);
  if (f == nullptr) return r;
  CheckKeys(*f, "frames", {"start", "end", "fps"}, p);
  Int(*f, "start", "frames.start", r.start, 0, 10'000'000, p, true);
  r.end = r.start;
  Int(*f, "end", "frames.end", r.end, 0, 10'000'000, p, false);
  Num(*f, "fps", "frames.fps", r.fps, 1e-3, 1000, p, false);
  if (r.end < r.start) p.Add("frames.end", "must be >= frames.start");
  return r;
}

// The sun's direction comes out normalised (the default's too).
geom::Lighting ParseLighting(const json& doc, Problems& p) {
  geom::Lighting L;
  if (const json* l = Object(doc, "lighting", "lighting", p, false)) {
    CheckKeys(*l, "lighting", {"sun", "sky"}, p);
    if (const json* sun = Object(*l, "sun", "lighting.sun", p, false)) {
      CheckKeys(*sun, "lighting.sun", {"direction", "irradiance", "color"}, p);
      if (Vec3(*sun, "direction", "lighting.sun.direction", L.sun_direction, p, false) &&
          geom::Length(L.sun_direction) == 0) {
        p.Add("lighting.sun.direction", "must not be zero");
      }
      Num(*sun, "irradiance", "lighting.sun.irradiance", L.sun_irradiance, 0, 1e6, p, false);
      Vec3(*sun, "color", "lighting.sun.color", L.sun_color, p, false);
    }
    if (const json* sky = Object(*l, "sky", "lighting.sky", p, false)) {
      CheckKeys(*sky, "lighting.sky", {"radiance"}, p);
      Vec3(*sky, "radiance", "lighting.sky.radiance", L.sky_radiance, p, false);
    }
  }
  L.sun_direction = geom::Normalize(L.sun_direction);
  return L;
}

// Calls parse(object, path, index) for every element of the list `key` of `parent`, whose path
// is `list_path`: nothing when the list is absent; a problem when it is not a list of at most
// `max` elements ("expected <what>") and for each element that is not an object.
template <typename Parse>
void ForEachObject(const json& parent, const std::string& key, const std::string& list_path,
                   std::string_view what, size_t max, Problems& p, Parse&& parse) {
  const auto it = parent.find(key);
  if (it == parent.end()) return;
  if (!it->is_array()) {
    p.Add(list_path, "expected " + std::string(what));
    return;
  }
  if (it->size() > max) {
    p.Add(list_path, "has " + std::to_string(it->size()) + " entries; at most " +
                         std::to_string(max) + " are allowed");
    return;
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const std::string path = list_path + "[" + std::to_string(i) + "]";
    const json& element = (*it)[i];
    if (!element.is_object()) {
      p.Add(path, "expected an object");
      continue;
    }
    parse(element, path, i);
  }
}

SetMesh ParseSetMesh(const json& m, const std::string& path, Problems& p) {
  CheckKeys(m, path, {"file", "position", "rotation_y_deg", "scale", "albedo"}, p);
  SetMesh sm;
  std::string file;
  Str(m, "file", path + ".file", file, p, true);
  sm.file = file;
  Vec3(m, "position", path + ".position", sm.position, p, false);
  Num(m, "rotation_y_deg", path + ".rotation_y_deg", sm.rotation_y_deg, -3600, 3600, p, false);
  Num(m, "scale", path + ".scale", sm.scale, 1e-6, 1e6, p, false);
  Vec3(m, "albedo", path + ".albedo", sm.albedo, p, false);
  return sm;
}

// Without `set`, a ground plane at 0; a `set` without `ground_plane` has none.
SetSpec ParseSet(const json& doc, Problems& p) {
  SetSpec s;
  const json* set = Object(doc, "set", "set", p, false);
  if (set == nullptr) return s;
  CheckKeys(*set, "set", {"ground_plane", "meshes"}, p);
  s.has_ground = false;
  if (const json* g = Object(*set, "ground_plane", "set.ground_plane", p, false)) {
    CheckKeys(*g, "set.ground_plane", {"height", "albedo"}, p);
    s.has_ground = true;
    Num(*g, "height", "set.ground_plane.height", s.ground_height, -1e4, 1e4, p, false);
    Vec3(*g, "albedo", "set.ground_plane.albedo", s.ground_albedo, p, false);
  }
  ForEachObject(*set, "meshes", "set.meshes", "a list", kMaxSetMeshes, p,
                [&](const json& m, const std::string& path, size_t) {
                  s.meshes.push_back(ParseSetMesh(m, path, p));
                });
  return s;
}

RenderSettings ParseRenderSettings(const json& doc, Problems& p) {
  RenderSettings s;
  const json* r = Object(doc, "render", "render", p, false);
  if (r == nullptr) return s;
  CheckKeys(*r, "render", {"spp", "max_bounces", "threads", "output", "preview_png"}, p);
  Int(*r, "spp", "render.spp", s.spp, 1, 4096, p, false);
  Int(*r, "max_bounces", "render.max_bounces", s.max_bounces, 0, 16, p, false);
  Int(*r, "threads", "render.threads", s.threads, 0, 1024, p, false);
  Str(*r, "output", "render.output", s.output, p, false);
  if (s.output.empty() || s.output.find("..") != std::string::npos) {
    p.Add("render.output", "expected a relative or absolute .exr path without '..'");
  }
  Bool(*r, "preview_png", "render.preview_png", s.preview_png, p);
  return s;
}

// "motion": {"cycle": "still" | "idle" | "walk" | "sit", "phase": 0..1, "cycle_seconds": s}.
void ParseAgentMotion(const json& a, const std::string& path, AgentSpec& s, Problems& p) {
  const std::string mpath = path + ".motion";
  if (const json* m = Object(a, "motion", mpath, p, false)) {
    CheckKeys(*m, mpath, {"cycle", "phase", "cycle_seconds"}, p);
    std::string cycle = "still";
    if (Str(*m, "cycle", mpath + ".cycle", cycle, p, false)) {
      if (auto c = anim::ParseMotionCycle(cycle)) {
        s.motion = *c;
      } else {
        p.Add(mpath + ".cycle", "'" + cycle + "' is not one of: still, idle, walk, sit");
      }
    }
    Num(*m, "phase", mpath + ".phase", s.phase, 0, 1, p, false);
    Num(*m, "cycle_seconds", mpath + ".cycle_seconds", s.cycle_seconds, 0.1, 600, p, false);
  }
  if (s.cycle_seconds == 0) s.cycle_seconds = anim::DefaultCycleSeconds(s.motion);
}

// "lod": "auto", "full", "mid", "far", or "0", "1", "2".
geom::LodChoice ParseLod(const json& a, const std::string& path, Problems& p) {
  std::string lod = "auto";
  if (!Str(a, "lod", path + ".lod", lod, p, false) || lod == "auto") return geom::LodChoice::kAuto;
  if (lod == "0" || lod == "full") return geom::LodChoice::kFull;
  if (lod == "1" || lod == "mid") return geom::LodChoice::kMid;
  if (lod == "2" || lod == "far") return geom::LodChoice::kFar;
  p.Add(path + ".lod", "'" + lod + "' is not one of: auto, full, mid, far (or 0, 1, 2)");
  return geom::LodChoice::kAuto;
}

AgentSpec ParseAgent(const json& a, const std::string& path, Problems& p) {
  CheckKeys(a, path,
            {"double", "position", "heading_deg", "scale", "tint", "lod", "name", "motion"}, p);
  AgentSpec s;
  Str(a, "double", path + ".double", s.double_id, p, true);
  Vec3(a, "position", path + ".position", s.position, p, true);
  Num(a, "heading_deg", path + ".heading_deg", s.heading_deg, -3600, 3600, p, false);
  Num(a, "scale", path + ".scale", s.scale, 0.5, 1.5, p, false);
  if (Vec3(a, "tint", path + ".tint", s.tint, p, false) &&
      (s.tint.x < 0 || s.tint.y < 0 || s.tint.z < 0 || s.tint.x > 4 || s.tint.y > 4 ||
       s.tint.z > 4)) {
    p.Add(path + ".tint", "each component must be in [0, 4]");
  }
  s.lod = ParseLod(a, path, p);
  ParseAgentMotion(a, path, s, p);
  Str(a, "name", path + ".name", s.name, p, false);
  return s;
}

// Explicit agents; an agent without a name is "agent_<index>", and names are unique.
std::vector<AgentSpec> ParseAgents(const json& doc, Problems& p) {
  std::vector<AgentSpec> out;
  std::set<std::string> names;
  ForEachObject(doc, "agents", "agents", "a list of agents", kMaxSceneAgents, p,
                [&](const json& a, const std::string& path, size_t i) {
                  AgentSpec s = ParseAgent(a, path, p);
                  if (s.name.empty()) s.name = "agent_" + std::to_string(i);
                  if (!names.insert(s.name).second) {
                    p.Add(path + ".name", "'" + s.name + "' is used twice");
                  }
                  out.push_back(std::move(s));
                });
  return out;
}

std::vector<CrowdGroup> ParseCrowds(const json& doc, std::string_view source, Problems& p) {
  const auto it = doc.find("crowds");
  if (it == doc.end()) return {};
  auto groups = ParseCrowdGroups(*it, source);
  if (!groups.ok()) {
    p.Merge(groups.status());
    return {};
  }
  return std::move(groups).value();
}

// The scene's people, its explicit agents and the most each group can ask for, within
// kMaxSceneAgents (checked before any group is laid out).
void CheckPeople(const SceneSpec& s, Problems& p) {
  double total = static_cast<double>(s.agents.size());
  std::string parts = std::to_string(s.agents.size()) + " agents";
  for (size_t i = 0; i < s.crowds.size(); ++i) {
    const double most =
        std::visit([](const auto& layout) { return MostPeople(layout); }, s.crowds[i].layout);
    total += most;
    char buf[64];
    std::snprintf(buf, sizeof buf, ", crowds[%zu]: %.0f", i, most);
    parts += buf;
  }
  if (!(total <= static_cast<double>(kMaxSceneAgents))) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "the scene asks for up to %.0f people (", total);
    p.Add("crowds", buf + parts + "); a scene may have at most " + std::to_string(kMaxSceneAgents));
  }
}

}  // namespace

std::filesystem::path SceneSpec::OutputFor(int frame) const {
  std::string out = render.output;
  const auto first = out.find('#');
  if (first != std::string::npos) {
    size_t last = first;
    while (last + 1 < out.size() && out[last + 1] == '#') ++last;
    const size_t width = last - first + 1;
    std::string num = std::to_string(frame);
    if (num.size() < width) num.insert(0, width - num.size(), '0');
    out.replace(first, width, num);
  }
  std::filesystem::path p(out);
  return p.is_absolute() ? p : base_dir / p;
}

Result<SceneSpec> ParseSceneSpec(const json& doc, std::string_view source) {
  Problems p(source);
  if (!doc.is_object()) return InvalidArgument(std::string(source) + ": expected a JSON object");
  CheckKeys(doc, "",
            {"figurant_scene", "production", "shot", "seed", "camera", "frames", "lighting", "set",
             "render", "agents", "crowds"},
            p);
  CheckVersion(doc, p);
  SceneSpec s;
  Str(doc, "production", "production", s.production, p, true);
  Str(doc, "shot", "shot", s.shot, p, true);
  s.seed = ParseSeed(doc, p);
  s.camera = ParseCamera(doc, p);
  s.frames = ParseFrames(doc, p);
  s.lighting = ParseLighting(doc, p);
  s.set = ParseSet(doc, p);
  s.render = ParseRenderSettings(doc, p);
  s.agents = ParseAgents(doc, p);
  s.crowds = ParseCrowds(doc, source, p);
  if (s.agents.empty() && s.crowds.empty() && p.empty()) {
    p.Add("agents", "the scene has no agents and no crowds: nothing to render");
  }
  if (p.empty()) CheckPeople(s, p);
  if (!p.empty()) return p.ToStatus();
  return s;
}

Result<SceneSpec> LoadSceneSpec(const std::filesystem::path& file) {
  FIGURANT_ASSIGN_OR_RETURN(const json doc, ReadJsonFile(file, kSceneFile));
  FIGURANT_ASSIGN_OR_RETURN(SceneSpec s, ParseSceneSpec(doc, file.string()));
  s.base_dir = file.parent_path();
  return s;
}

}  // namespace figurant::crowd
