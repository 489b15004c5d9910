#include "crowd/groups.h"

#include <cmath>
#include <set>

namespace figurant::crowd {
namespace {

using nlohmann::json;

// Error collector scoped to one group: "SOURCE: crowds[i] (name): field 'x': why".
class GroupErrors {
 public:
  GroupErrors(std::string_view source, size_t index) : prefix_(std::string(source)) {
    prefix_ += ": crowds[" + std::to_string(index) + "]";
  }
  void SetName(const std::string& name) { name_ = name; }
  void Add(std::string_view field, const std::string& why) {
    lines_.push_back(prefix_ + (name_.empty() ? "" : " (" + name_ + ")") + ": field '" +
                     std::string(field) + "': " + why);
  }
  bool empty() const { return lines_.empty(); }
  void AppendTo(std::vector<std::string>& all) const {
    all.insert(all.end(), lines_.begin(), lines_.end());
  }

 private:
  std::string prefix_, name_;
  std::vector<std::string> lines_;
};

std::optional<double> Number(const json& g, std::string_view field, GroupErrors& e, double lo,
                             double hi, std::optional<double> fallback) {
  const auto it = g.find(std::string(field));
  if (it == g.end()) {
    if (!fallback) e.Add(field, "missing (expected a number)");
    return fallback;
  }
  if (!it->is_number()) {
    e.Add(field, "expected a number, got " + std::string(it->type_name()));
    return std::nullopt;
  }
  const double v = it->get<double>();
  if (!std::isfinite(v) || v < lo || v > hi) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "must be in [%g, %g], got %s", lo, hi, it->dump().c_str());
    e.Add(field, buf);
    return std::nullopt;
  }
  return v;
}

std::optional<int> Integer(const json& g, std::string_view field, GroupErrors& e, int lo, int hi) {
  const auto it = g.find(std::string(field));
  if (it == g.end() || !it->is_number_integer() || it->get<int64_t>() < lo ||
      it->get<int64_t>() > hi) {
    e.Add(field, "expected an integer in " + std::to_string(lo) + ".." + std::to_string(hi) +
                     (it == g.end() ? " (missing)" : ", got " + it->dump()));
    return std::nullopt;
  }
  return static_cast<int>(it->get<int64_t>());
}

std::optional<Point2> GroundPoint(const json& v) {
  if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number()) return std::nullopt;
  const Point2 p{v[0].get<double>(), v[1].get<double>()};
  if (!std::isfinite(p.x) || !std::isfinite(p.z)) return std::nullopt;
  return p;
}

std::optional<geom::Vec3f> Point3(const json& v) {
  if (!v.is_array() || v.size() != 3) return std::nullopt;
  geom::Vec3f p;
  float* c[3] = {&p.x, &p.y, &p.z};
  for (int i = 0; i < 3; ++i) {
    if (!v[i].is_number() || !std::isfinite(v[i].get<double>())) return std::nullopt;
    *c[i] = static_cast<float>(v[i].get<double>());
  }
  return p;
}

std::optional<Polygon> PolygonField(const json& v, std::string_view field, GroupErrors& e) {
  if (!v.is_array() || v.size() < 3) {
    e.Add(field, "expected a list of at least 3 ground points [x, z]");
    return std::nullopt;
  }
  Polygon poly;
  for (const json& p : v) {
    auto q = GroundPoint(p);
    if (!q) {
      e.Add(field, "every point must be [x, z] in metres, got " + p.dump());
      return std::nullopt;
    }
    poly.push_back(*q);
  }
  return poly;
}

void ParseHeading(const json& g, HeadingSpec& h, GroupErrors& e) {
  const auto it = g.find("heading");
  if (it == g.end()) return;
  if (!it->is_object()) {
    e.Add("heading", "expected an object such as {\"mode\": \"random\"}");
    return;
  }
  static const std::set<std::string> kKeys = {"mode", "point", "degrees", "spread_deg"};
  for (const auto& [k, _] : it->items()) {
    if (!kKeys.contains(k)) e.Add("heading." + k, "unknown field");
  }
  const std::string mode = it->value("mode", std::string("random"));
  if (mode == "random") {
    h.mode = HeadingMode::kRandom;
  } else if (mode == "toward") {
    h.mode = HeadingMode::kToward;
    const auto p = it->find("point");
    std::optional<geom::Vec3f> pt;
    if (p != it->end()) {
      pt = Point3(*p);
      if (!pt) {
        if (auto q = GroundPoint(*p))
          pt = geom::Vec3f{static_cast<float>(q->x), 0, static_cast<float>(q->z)};
      }
    }
    if (!pt) {
      e.Add("heading.point", "mode 'toward' needs a point [x, y, z] or [x, z]");
    } else {
      h.point = *pt;
    }
  } else if (mode == "along_path") {
    h.mode = HeadingMode::kAlongPath;
  } else if (mode == "fixed") {
    h.mode = HeadingMode::kFixed;
    if (auto d = Number(*it, "degrees", e, -360, 360, std::nullopt)) h.degrees = *d;
  } else {
    e.Add("heading.mode", "'" + mode + "' is not one of: random, toward, along_path, fixed");
  }
  if (auto s = Number(*it, "spread_deg", e, 0, 360, 0.0)) h.spread_deg = *s;
}

void ParseCasting(const json& g, CrowdGroup& out, GroupErrors& e) {
  if (const auto it = g.find("look_tags"); it != g.end()) {
    if (!it->is_array()) {
      e.Add("look_tags", "expected a list of strings");
    } else {
      for (const json& t : *it) {
        if (!t.is_string()) {
          e.Add("look_tags", "expected a list of strings");
          break;
        }
        out.filter.look_tags.push_back(t.get<std::string>());
      }
    }
  }
  if (const auto it = g.find("height_range_m"); it != g.end()) {
    if (!it->is_array() || it->size() != 2 || !(*it)[0].is_number() || !(*it)[1].is_number() ||
        (*it)[0].get<double>() > (*it)[1].get<double>()) {
      e.Add("height_range_m", "expected [min, max] in metres with min <= max");
    } else {
      out.filter.min_height_m = (*it)[0].get<double>();
      out.filter.max_height_m = (*it)[1].get<double>();
    }
  }
  if (const auto it = g.find("tag_mix"); it != g.end()) {
    double total = 0;
    if (!it->is_object()) {
      e.Add("tag_mix", "expected an object {\"tag\": share, ...}");
    } else {
      for (const auto& [tag, share] : it->items()) {
        if (!share.is_number() || share.get<double>() < 0 || share.get<double>() > 1) {
          e.Add("tag_mix." + tag, "share must be a number in [0, 1]");
          continue;
        }
        out.filter.tag_mix[tag] = share.get<double>();
        total += share.get<double>();
      }
      if (total > 1 + 1e-9) e.Add("tag_mix", "shares add up to more than 1");
    }
  }
  if (const auto it = g.find("variation"); it != g.end()) {
    if (!it->is_object()) {
      e.Add("variation", "expected an object");
    } else {
      static const std::set<std::string> kKeys = {"tint_hue_deg", "tint_saturation", "tint_value",
                                                  "body_scale", "phase"};
      for (const auto& [k, _] : it->items()) {
        if (!kKeys.contains(k)) e.Add("variation." + k, "unknown field");
      }
      VariationSpec& v = out.variation;
      if (auto x = Number(*it, "tint_hue_deg", e, 0, 180, 0.0)) v.tint_hue_deg = *x;
      if (auto x = Number(*it, "tint_saturation", e, 0, 1, 0.0)) v.tint_saturation = *x;
      if (auto x = Number(*it, "tint_value", e, 0, 1, 0.0)) v.tint_value = *x;
      if (auto x = Number(*it, "body_scale", e, 0, 0.2, 0.0)) v.body_scale = *x;
      if (auto x = Number(*it, "phase", e, 0, 1, 1.0)) v.phase = *x;
    }
  }
  if (auto x = Number(g, "min_same_double_distance_m", e, 0, 1e4, 8.0)) {
    out.clones.min_same_double_distance_m = *x;
  }
  if (auto x = Number(g, "min_same_double_screen_fraction", e, 0, 2, 0.15)) {
    out.clones.min_same_double_screen_fraction = *x;
  }
}

// Limits of a motion cycle's length. [Units: seconds]
constexpr double kMinCycleSeconds = 0.1, kMaxCycleSeconds = 600;

// "motion": {"cycle": "idle" | "walk" | "sit" | "still", "variants": N, "cycle_seconds": s}.
void ParseMotion(const json& g, GroupMotion& m, GroupErrors& e) {
  if (const auto it = g.find("motion"); it != g.end()) {
    if (!it->is_object()) {
      e.Add("motion", "expected an object such as {\"cycle\": \"idle\"}");
    } else {
      static const std::set<std::string> kKeys = {"cycle", "variants", "cycle_seconds"};
      for (const auto& [k, _] : it->items()) {
        if (!kKeys.contains(k)) e.Add("motion." + k, "unknown field");
      }
      if (const auto c = it->find("cycle"); c != it->end()) {
        const auto cycle =
            c->is_string() ? anim::ParseMotionCycle(c->get<std::string>()) : std::nullopt;
        if (!cycle) {
          e.Add("motion.cycle", "expected one of: idle, walk, sit, still, got " + c->dump());
        } else {
          m.cycle = *cycle;
        }
      }
      if (const auto v = it->find("variants"); v != it->end()) {
        if (!v->is_number_integer() || v->get<int64_t>() < 1 ||
            v->get<int64_t>() > kMaxMotionVariants) {
          e.Add("motion.variants", "expected an integer in 1.." +
                                       std::to_string(kMaxMotionVariants) + ", got " + v->dump());
        } else {
          m.variants = static_cast<int>(v->get<int64_t>());
        }
      }
      if (const auto s = it->find("cycle_seconds"); s != it->end()) {
        if (!s->is_number() || !(s->get<double>() >= kMinCycleSeconds) ||
            !(s->get<double>() <= kMaxCycleSeconds)) {
          e.Add("motion.cycle_seconds",
                "expected a number in [0.1, 600] seconds, got " + s->dump());
        } else {
          m.cycle_seconds = s->get<double>();
        }
      }
    }
  }
  if (m.cycle_seconds == 0) m.cycle_seconds = anim::DefaultCycleSeconds(m.cycle);
}

// What replaces a field groups no longer take, as a hint after "unknown field"; empty for others.
std::string RetiredFieldHint(std::string_view field) {
  if (field == "clip") {
    return " (a group's movement is its 'motion', e.g. {\"cycle\": \"walk\"}; docs/motion.md)";
  }
  return "";
}

const std::set<std::string>& CommonKeys() {
  static const std::set<std::string> k = {"kind",
                                          "name",
                                          "heading",
                                          "look_tags",
                                          "height_range_m",
                                          "tag_mix",
                                          "variation",
                                          "min_same_double_distance_m",
                                          "min_same_double_screen_fraction",
                                          "motion"};
  return k;
}

AreaSpec ParseArea(const json& g, GroupErrors& e) {
  AreaSpec a;
  if (const auto it = g.find("polygon"); it == g.end()) {
    e.Add("polygon", "missing (expected [[x, z], ...])");
  } else if (auto p = PolygonField(*it, "polygon", e)) {
    a.outline = *p;
  }
  if (const auto it = g.find("holes"); it != g.end()) {
    if (!it->is_array()) {
      e.Add("holes", "expected a list of polygons");
    } else {
      for (size_t i = 0; i < it->size(); ++i) {
        if (auto p = PolygonField((*it)[i], "holes[" + std::to_string(i) + "]", e)) {
          a.holes.push_back(*p);
        }
      }
    }
  }
  const bool has_density = g.contains("density_per_m2"), has_count = g.contains("count");
  if (has_density == has_count) {
    e.Add("density_per_m2", "give exactly one of density_per_m2 and count");
  } else if (has_density) {
    a.density_per_m2 = Number(g, "density_per_m2", e, 1e-6, 10, std::nullopt);
  } else {
    a.count = Integer(g, "count", e, 1, 20'000'000);
  }
  if (auto r = Number(g, "personal_radius_m", e, 0.05, 5, 0.35)) a.personal_radius_m = *r;
  ParseHeading(g, a.heading, e);
  return a;
}

SeatsSpec ParseSeats(const json& g, GroupErrors& e) {
  SeatsSpec s;
  if (const auto it = g.find("origin"); it == g.end() || !Point3(*it)) {
    e.Add("origin", "expected [x, y, z] in metres: the first seat of the front row");
  } else {
    s.origin = *Point3(*it);
  }
  if (auto v = Integer(g, "rows", e, 1, 1000)) s.rows = *v;
  if (auto v = Integer(g, "seats_per_row", e, 1, 10000)) s.seats_per_row = *v;
  if (auto v = Number(g, "seat_spacing_m", e, 0.2, 5, 0.5)) s.seat_spacing_m = *v;
  if (auto v = Number(g, "row_depth_m", e, 0.3, 5, 0.8)) s.row_depth_m = *v;
  if (auto v = Number(g, "row_rise_m", e, 0, 3, 0.4)) s.row_rise_m = *v;
  if (auto v = Number(g, "fill", e, 0, 1, 1.0)) s.fill = *v;
  if (const auto it = g.find("tiers"); it != g.end()) {
    if (!it->is_boolean()) {
      e.Add("tiers", "expected true or false");
    } else {
      s.tiers = it->get<bool>();
    }
  }
  if (const auto it = g.find("seated"); it != g.end()) {
    if (!it->is_boolean()) {
      e.Add("seated", "expected true or false");
    } else {
      s.seated = it->get<bool>();
    }
  }
  if (const auto it = g.find("seat_mesh"); it != g.end()) {
    if (!it->is_string() || it->get<std::string>().empty()) {
      e.Add("seat_mesh", "expected a mesh file name (relative to the scene file)");
    } else {
      s.seat_mesh = it->get<std::string>();
    }
  }
  for (const char* axis : {"row_axis", "back_axis"}) {
    if (const auto it = g.find(axis); it != g.end()) {
      auto v = Point3(*it);
      if (!v) {
        e.Add(axis, "expected a direction [x, y, z]");
      } else if (std::string(axis) == "row_axis") {
        s.row_axis = *v;
      } else {
        s.back_axis = *v;
      }
    }
  }
  ParseHeading(g, s.heading, e);
  return s;
}

PathSpec ParsePath(const json& g, GroupErrors& e) {
  PathSpec p;
  if (const auto it = g.find("points"); it == g.end() || !it->is_array() || it->size() < 2) {
    e.Add("points", "expected a polyline of at least 2 ground points [x, z]");
  } else {
    for (const json& q : *it) {
      auto pt = GroundPoint(q);
      if (!pt) {
        e.Add("points", "every point must be [x, z] in metres, got " + q.dump());
        break;
      }
      p.points.push_back(*pt);
    }
  }
  if (auto v = Number(g, "width_m", e, 0, 100, 2.0)) p.width_m = *v;
  if (auto v = Number(g, "spacing_m", e, 0.1, 100, 1.2)) p.spacing_m = *v;
  if (auto v = Number(g, "personal_radius_m", e, 0.05, 5, 0.3)) p.personal_radius_m = *v;
  ParseHeading(g, p.heading, e);
  if (!g.contains("heading")) p.heading.mode = HeadingMode::kAlongPath;
  return p;
}

}  // namespace

Result<std::vector<CrowdGroup>> ParseCrowdGroups(const json& crowds, std::string_view source) {
  if (!crowds.is_array()) {
    return InvalidArgument(std::string(source) + ": field 'crowds': expected a list of groups");
  }
  static const std::set<std::string> kArea = {"polygon", "holes", "density_per_m2", "count",
                                              "personal_radius_m"};
  static const std::set<std::string> kSeats = {
      "origin", "rows",   "seats_per_row", "seat_spacing_m", "row_depth_m", "row_rise_m",
      "fill",   "seated", "tiers",         "row_axis",       "back_axis",   "seat_mesh"};
  static const std::set<std::string> kPath = {"points", "width_m", "spacing_m",
                                              "personal_radius_m"};
  std::vector<std::string> problems;
  std::vector<CrowdGroup> out;
  std::set<std::string> names;
  for (size_t i = 0; i < crowds.size(); ++i) {
    const json& g = crowds[i];
    GroupErrors e(source, i);
    if (!g.is_object()) {
      e.Add("", "expected an object");
      e.AppendTo(problems);
      continue;
    }
    CrowdGroup group;
    group.name = g.value("name", std::string());
    e.SetName(group.name);
    if (group.name.empty()) {
      e.Add("name", "missing (every group needs a unique name)");
    } else if (!names.insert(group.name).second) {
      e.Add("name", "'" + group.name + "' is used by another group");
    }
    const std::string kind = g.value("kind", std::string());
    const std::set<std::string>* own = nullptr;
    if (kind == "area") {
      group.layout = ParseArea(g, e);
      own = &kArea;
    } else if (kind == "seats") {
      group.layout = ParseSeats(g, e);
      own = &kSeats;
    } else if (kind == "path" || kind == "line") {
      group.layout = ParsePath(g, e);
      own = &kPath;
    } else {
      e.Add("kind", "'" + kind + "' is not one of: area, seats, path, line");
    }
    if (own != nullptr) {
      for (const auto& [k, _] : g.items()) {
        if (!CommonKeys().contains(k) && !own->contains(k)) {
          e.Add(k, "unknown field for a '" + kind + "' group" + RetiredFieldHint(k));
        }
      }
    }
    ParseCasting(g, group, e);
    if (std::holds_alternative<PathSpec>(group.layout))
      group.motion.cycle = anim::MotionCycle::kWalk;
    if (const auto* seats = std::get_if<SeatsSpec>(&group.layout); seats && seats->seated)
      group.motion.cycle = anim::MotionCycle::kSit;
    ParseMotion(g, group.motion, e);
    e.AppendTo(problems);
    out.push_back(std::move(group));
  }
  if (!problems.empty()) {
    std::string m;
    for (const std::string& p : problems) m += (m.empty() ? "" : "\n") + p;
    return InvalidArgument(m);
  }
  return out;
}

}  // namespace figurant::crowd
