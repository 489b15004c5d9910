#include "crowd/groups.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/json_input.h"
#include "crowd/internal/behaviour_spec.h"
#include "crowd/internal/group_fields.h"
#include "crowd/scene_spec.h"

namespace figurant::crowd {
namespace {

using nlohmann::json;
using namespace internal;  // the field readers

// mode "toward": its point, [x, y, z] or [x, z] on the ground.
std::optional<geom::Vec3f> TowardPoint(const json& heading) {
  const auto p = heading.find("point");
  if (p == heading.end()) return std::nullopt;
  if (auto pt = Point3(*p)) return pt;
  if (auto q = GroundPoint(*p))
    return geom::Vec3f{static_cast<float>(q->x), 0, static_cast<float>(q->z)};
  return std::nullopt;
}

void ParseHeading(const json& g, HeadingSpec& h, GroupErrors& e) {
  static const std::set<std::string> kKeys = {"mode", "point", "degrees", "spread_deg"};
  const NestedObject heading(g, "heading", kKeys, " such as {\"mode\": \"random\"}", e);
  if (heading.get() == nullptr) return;
  const json& it = *heading.get();
  const std::optional<std::string> mode = String(it, "mode", e, "random");
  if (!mode) return;
  if (mode == "random") {
    h.mode = HeadingMode::kRandom;
  } else if (mode == "toward") {
    h.mode = HeadingMode::kToward;
    if (auto pt = TowardPoint(it)) {
      h.point = *pt;
    } else {
      e.Add("point", "mode 'toward' needs a point [x, y, z] or [x, z]");
    }
  } else if (mode == "along_path") {
    h.mode = HeadingMode::kAlongPath;
  } else if (mode == "fixed") {
    h.mode = HeadingMode::kFixed;
    if (auto d = Number(it, "degrees", e, -360, 360, std::nullopt)) h.degrees = *d;
  } else {
    e.Add("mode", "'" + *mode + "' is not one of: random, toward, along_path, fixed");
  }
  if (auto s = Number(it, "spread_deg", e, 0, 360, 0.0)) h.spread_deg = *s;
}

// Which doubles the group may draw from: look tags, height range and tag mix.
void ParseFilter(const json& g, CastFilter& f, GroupErrors& e) {
  if (const auto it = g.find("look_tags"); it != g.end()) {
    if (!it->is_array() ||
        !std::all_of(it->begin(), it->end(), [](const json& t) { return t.is_string(); })) {
      e.Add("look_tags", "expected a list of strings, got " + JsonExcerpt(*it));
    } else {
      for (const json& t : *it) f.look_tags.push_back(t.get<std::string>());
    }
  }
  if (const auto it = g.find("height_range_m"); it != g.end()) {
    // As a ground point [min, max]: two coordinates.
    const std::optional<Point2> range = GroundPoint(*it);
    if (!range || range->x > range->z) {
      e.Add("height_range_m", "expected [min, max] in metres with min <= max");
    } else {
      f.min_height_m = range->x;
      f.max_height_m = range->z;
    }
  }
  if (const auto it = g.find("tag_mix"); it != g.end()) {
    if (!it->is_object()) {
      e.Add("tag_mix", "expected an object {\"tag\": share, ...}");
      return;
    }
    double total = 0;
    for (const auto& [tag, share] : it->items()) {
      if (const auto v = Take(JsonNumber(share, 0, 1), "tag_mix." + tag, e)) {
        f.tag_mix[tag] = *v;
        total += *v;
      }
    }
    if (total > 1 + 1e-9) e.Add("tag_mix", "shares add up to more than 1");
  }
}

void ParseCasting(const json& g, CrowdGroup& out, GroupErrors& e) {
  ParseFilter(g, out.filter, e);
  static const std::set<std::string> kKeys = {"tint_hue_deg", "tint_saturation", "tint_value",
                                              "body_scale", "phase"};
  if (const NestedObject variation(g, "variation", kKeys, "", e); variation.get() != nullptr) {
    const json& it = *variation.get();
    VariationSpec& v = out.variation;
    if (auto x = Number(it, "tint_hue_deg", e, 0, 180, 0.0)) v.tint_hue_deg = *x;
    if (auto x = Number(it, "tint_saturation", e, 0, 1, 0.0)) v.tint_saturation = *x;
    if (auto x = Number(it, "tint_value", e, 0, 1, 0.0)) v.tint_value = *x;
    if (auto x = Number(it, "body_scale", e, 0, 0.2, 0.0)) v.body_scale = *x;
    if (auto x = Number(it, "phase", e, 0, 1, 1.0)) v.phase = *x;
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
  static const std::set<std::string> kKeys = {"cycle", "variants", "cycle_seconds"};
  if (const NestedObject motion(g, "motion", kKeys, " such as {\"cycle\": \"idle\"}", e);
      motion.get() != nullptr) {
    const json& it = *motion.get();
    if (const auto c = it.find("cycle"); c != it.end()) {
      const auto cycle =
          c->is_string() ? anim::ParseMotionCycle(c->get<std::string>()) : std::nullopt;
      if (!cycle) {
        e.Add("cycle", "expected one of: idle, walk, sit, still, got " + JsonExcerpt(*c));
      } else {
        m.cycle = *cycle;
      }
    }
    if (it.contains("variants")) {
      if (auto v = Integer(it, "variants", e, 1, kMaxMotionVariants)) m.variants = *v;
    }
    if (auto s = Number(it, "cycle_seconds", e, kMinCycleSeconds, kMaxCycleSeconds, 0.0)) {
      m.cycle_seconds = *s;
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
                                          "motion",
                                          "behaviour"};
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
    if (!it->is_array() || it->size() > kMaxGroupPoints) {
      e.Add("holes", "expected a list of at most " + std::to_string(kMaxGroupPoints) + " polygons");
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
    a.count = Integer(g, "count", e, 1, static_cast<int>(kMaxGroupPeople));
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
  if (auto v = Boolean(g, "tiers", e)) s.tiers = *v;
  if (auto v = Boolean(g, "seated", e)) s.seated = *v;
  if (const auto it = g.find("seat_mesh"); it != g.end()) {
    if (!it->is_string() || it->get<std::string>().empty()) {
      e.Add("seat_mesh",
            "expected a mesh file name (relative to the scene file), got " + JsonExcerpt(*it));
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
  if (const auto it = g.find("points"); it == g.end()) {
    e.Add("points", "missing (expected a polyline [[x, z], ...])");
  } else if (auto points = GroundPoints(*it, 2, "points", "a polyline", e)) {
    p.points = *points;
  }
  if (auto v = Number(g, "width_m", e, 0, 100, 2.0)) p.width_m = *v;
  if (auto v = Number(g, "spacing_m", e, 0.1, 100, 1.2)) p.spacing_m = *v;
  if (auto v = Number(g, "personal_radius_m", e, 0.05, 5, 0.3)) p.personal_radius_m = *v;
  ParseHeading(g, p.heading, e);
  if (!g.contains("heading")) p.heading.mode = HeadingMode::kAlongPath;
  return p;
}

// One group, whatever its kind; its problems go to `e`. `names` holds the names taken so far.
CrowdGroup ParseGroup(const json& g, std::set<std::string>& names, GroupErrors& e) {
  static const std::set<std::string> kArea = {"polygon", "holes", "density_per_m2", "count",
                                              "personal_radius_m"};
  static const std::set<std::string> kSeats = {
      "origin", "rows",   "seats_per_row", "seat_spacing_m", "row_depth_m", "row_rise_m",
      "fill",   "seated", "tiers",         "row_axis",       "back_axis",   "seat_mesh"};
  static const std::set<std::string> kPath = {"points", "width_m", "spacing_m",
                                              "personal_radius_m"};
  CrowdGroup group;
  const std::optional<std::string> name = String(g, "name", e, "");
  group.name = name.value_or("");
  e.SetName(group.name);
  if (name && group.name.empty()) {  // (a name of another type is already a problem)
    e.Add("name", "missing (every group needs a unique name)");
  } else if (name && !names.insert(group.name).second) {
    e.Add("name", "'" + group.name + "' is used by another group");
  }
  const std::optional<std::string> kind = String(g, "kind", e, "");
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
  } else if (kind) {
    e.Add("kind", "'" + *kind + "' is not one of: area, seats, path, line");
  }
  if (own != nullptr) {
    for (const auto& [k, _] : g.items()) {
      if (!CommonKeys().contains(k) && !own->contains(k)) {
        e.Add(k, "unknown field for a '" + *kind + "' group" + RetiredFieldHint(k));
      }
    }
  }
  ParseCasting(g, group, e);
  if (std::holds_alternative<PathSpec>(group.layout)) group.motion.cycle = anim::MotionCycle::kWalk;
  if (const auto* seats = std::get_if<SeatsSpec>(&group.layout); seats && seats->seated)
    group.motion.cycle = anim::MotionCycle::kSit;
  if (AsksToMove(g)) group.motion.cycle = anim::MotionCycle::kIdle;
  ParseMotion(g, group.motion, e);
  ParseBehaviour(g, group, e);
  return group;
}

}  // namespace

Result<std::vector<CrowdGroup>> ParseCrowdGroups(const json& crowds, std::string_view source) {
  if (!crowds.is_array() || crowds.size() > kMaxCrowdGroups) {
    return InvalidArgument(std::string(source) + ": field 'crowds': expected a list of at most " +
                           std::to_string(kMaxCrowdGroups) + " groups");
  }
  std::vector<std::string> problems;
  std::vector<CrowdGroup> out;
  std::set<std::string> names;
  for (size_t i = 0; i < crowds.size(); ++i) {
    const json& g = crowds[i];
    GroupErrors e(source, i);
    if (!g.is_object()) {
      e.Add("", "expected an object");
    } else {
      out.push_back(ParseGroup(g, names, e));
    }
    e.AppendTo(problems);
  }
  if (!problems.empty()) {
    std::string m;
    for (const std::string& p : problems) m += (m.empty() ? "" : "\n") + p;
    return InvalidArgument(m);
  }
  return out;
}

bool CrowdGroup::Moves() const { return behaviour && nav::Moves(behaviour->kind); }

}  // namespace figurant::crowd
