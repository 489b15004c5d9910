#include "crowd/internal/behaviour_spec.h"

#include <cmath>
#include <limits>
#include <map>

#include "core/json_input.h"

namespace figurant::crowd::internal {
namespace {

// The longest pause, service, spread or start a behaviour takes. [Units: seconds]
constexpr double kMaxBehaviourSeconds = 3600;
// The y of a point given as [x, z]: its height is found on the set (CrowdGroup::behaviour).
constexpr float kOnTheSet = std::numeric_limits<float>::quiet_NaN();

using Kind = nav::Behaviour::Kind;

struct KindFields {
  Kind kind;
  std::set<std::string> keys;  // besides "kind"
};

const std::map<std::string, KindFields>& Kinds() {
  static const std::map<std::string, KindFields> k = {
      {"stand", {Kind::kStand, {}}},
      {"wander", {Kind::kWander, {"area", "pause_min_s", "pause_max_s", "companions"}}},
      {"path", {Kind::kPath, {"points", "width_m", "both_ways", "companions"}}},
      {"goto", {Kind::kGoTo, {"targets", "start_spread_s", "arrive_within_m", "companions"}}},
      {"queue",
       {Kind::kQueue, {"head", "back", "spacing_m", "service_min_s", "service_max_s", "exit"}}},
      {"watch", {Kind::kWatch, {"point"}}},
      {"part", {Kind::kPart, {"obstacle", "notice_m"}}},
  };
  return k;
}

std::string KindList() {
  std::string s;
  for (const auto& [name, _] : Kinds()) s += (s.empty() ? "" : ", ") + name;
  return s;
}

// A point of the behaviour: [x, z] on the set (y kOnTheSet) or [x, y, z] as given.
std::optional<geom::Vec3f> SetPoint(const json& v) {
  if (auto p = Point3(v)) return p;
  if (auto q = GroundPoint(v)) {
    return geom::Vec3f{static_cast<float>(q->x), kOnTheSet, static_cast<float>(q->z)};
  }
  return std::nullopt;
}

// The required point field `field` of `b`.
std::optional<geom::Vec3f> SetPointField(const json& b, std::string_view field, GroupErrors& e) {
  const auto it = b.find(std::string(field));
  auto p = it == b.end() ? std::nullopt : SetPoint(*it);
  if (!p) {
    e.Add(field, std::string(it == b.end() ? "missing " : "") +
                     "(expected a point [x, z] on the set or [x, y, z], in metres, each within "
                     "±1e+06)" +
                     (it == b.end() ? "" : ", got " + JsonExcerpt(*it)));
  }
  return p;
}

std::vector<std::array<float, 2>> AsFloat(const std::vector<Point2>& points) {
  std::vector<std::array<float, 2>> out;
  out.reserve(points.size());
  for (const Point2& p : points) out.push_back({static_cast<float>(p.x), static_cast<float>(p.z)});
  return out;
}

// `lo_field` and `hi_field` of `b`, each in [0, kMaxBehaviourSeconds], lo <= hi.
void SecondsRange(const json& b, std::string_view lo_field, std::string_view hi_field, float& lo,
                  float& hi, GroupErrors& e) {
  const auto l = Number(b, lo_field, e, 0, kMaxBehaviourSeconds, lo);
  const auto h = Number(b, hi_field, e, 0, kMaxBehaviourSeconds, hi);
  if (!l || !h) return;
  if (*l > *h) {
    e.Add(lo_field, "must be at most " + std::string(hi_field));
    return;
  }
  lo = static_cast<float>(*l);
  hi = static_cast<float>(*h);
}

void ParseWander(const json& b, const CrowdGroup& group, nav::Wander& w, GroupErrors& e) {
  if (const auto it = b.find("area"); it != b.end()) {
    if (auto p = PolygonField(*it, "area", e)) w.area = AsFloat(*p);
  } else if (const auto* a = std::get_if<AreaSpec>(&group.layout)) {
    w.area = AsFloat(a->outline);
  } else {
    e.Add("area", "missing: only an area group wanders inside its own polygon; give [[x, z], ...]");
  }
  SecondsRange(b, "pause_min_s", "pause_max_s", w.pause_min_s, w.pause_max_s, e);
}

void ParseWalkPath(const json& b, const CrowdGroup& group, nav::Path& p, GroupErrors& e) {
  const auto* own = std::get_if<PathSpec>(&group.layout);
  if (const auto it = b.find("points"); it != b.end()) {
    if (auto pts = GroundPoints(*it, 2, "points", "a polyline", e)) p.points = AsFloat(*pts);
  } else if (own != nullptr) {
    p.points = AsFloat(own->points);
  } else {
    e.Add("points", "missing: only a path group walks its own points; give [[x, z], ...]");
  }
  const double width = own != nullptr ? own->width_m : 2.0;
  if (auto v = Number(b, "width_m", e, 0, 100, width)) p.width_m = static_cast<float>(*v);
  if (auto v = Boolean(b, "both_ways", e)) p.both_ways = *v;
}

void ParseGoTo(const json& b, nav::GoTo& g, GroupErrors& e) {
  const auto it = b.find("targets");
  if (it == b.end() || !it->is_array() || it->empty() || it->size() > kMaxGroupPoints) {
    e.Add("targets", "expected a list of 1.." + std::to_string(kMaxGroupPoints) +
                         " points [x, z] or [x, y, z]");
  } else {
    for (size_t i = 0; i < it->size(); ++i) {
      if (auto p = SetPoint((*it)[i])) {
        g.targets.push_back(*p);
      } else {
        e.Add("targets[" + std::to_string(i) + "]",
              "expected a point [x, z] or [x, y, z] in metres, got " + JsonExcerpt((*it)[i]));
      }
    }
  }
  if (auto v = Number(b, "start_spread_s", e, 0, kMaxBehaviourSeconds, g.start_spread_s)) {
    g.start_spread_s = static_cast<float>(*v);
  }
  if (auto v = Number(b, "arrive_within_m", e, 0.25, 100, g.arrive_within_m)) {
    g.arrive_within_m = static_cast<float>(*v);
  }
}

void ParseQueue(const json& b, nav::Queue& q, GroupErrors& e) {
  if (auto p = SetPointField(b, "head", e)) q.head = *p;
  if (auto p = SetPointField(b, "exit", e)) q.exit = *p;
  const auto it = b.find("back");
  const auto back = it == b.end() ? std::nullopt : GroundPoint(*it);
  if (!back || (back->x == 0 && back->z == 0)) {
    e.Add("back", "expected the way the line runs from the head, [x, z], not [0, 0]");
  } else {
    q.back = {static_cast<float>(back->x), static_cast<float>(back->z)};
  }
  if (auto v = Number(b, "spacing_m", e, 0.4, 3, q.spacing_m)) q.spacing_m = static_cast<float>(*v);
  SecondsRange(b, "service_min_s", "service_max_s", q.service_min_s, q.service_max_s, e);
}

void ParsePart(const json& b, nav::Part& p, GroupErrors& e) {
  static const std::set<std::string> kKeys = {"points", "speed_mps", "start_s", "radius_m"};
  const NestedObject obstacle(b, "obstacle", kKeys, " such as {\"points\": [[0, 0], [10, 0]]}", e);
  nav::MovingObstacle& o = p.obstacle;
  if (obstacle.get() == nullptr) {
    if (!b.contains("obstacle"))
      e.Add("obstacle", "missing (expected {\"points\": [[x, z], ...]})");
  } else {
    const json& it = *obstacle.get();
    if (const auto pts = it.find("points"); pts == it.end()) {
      e.Add("points", "missing (expected a polyline [[x, z], ...])");
    } else if (auto v = GroundPoints(*pts, 2, "points", "a polyline", e)) {
      o.points = AsFloat(*v);
    }
    if (auto v = Number(it, "speed_mps", e, 0.1, 30, o.speed_mps))
      o.speed_mps = static_cast<float>(*v);
    if (auto v = Number(it, "start_s", e, 0, kMaxBehaviourSeconds, o.start_s)) {
      o.start_s = static_cast<float>(*v);
    }
    if (auto v = Number(it, "radius_m", e, 0.1, 5, o.radius_m)) o.radius_m = static_cast<float>(*v);
  }
  if (auto v = Number(b, "notice_m", e, 0.5, 20, p.notice_m)) p.notice_m = static_cast<float>(*v);
}

// Friends walking together: {"share", "max_size", "spacing_m"}, each optional.
void ParseCompanions(const json& b, nav::Companions& c, GroupErrors& e) {
  static const std::set<std::string> kKeys = {"share", "max_size", "spacing_m"};
  const NestedObject companions(b, "companions", kKeys, " such as {\"share\": 0.6}", e);
  if (companions.get() == nullptr) return;
  const json& it = *companions.get();
  if (auto v = Number(it, "share", e, 0, 1, c.share)) c.share = static_cast<float>(*v);
  if (it.contains("max_size")) {
    if (auto v = Integer(it, "max_size", e, 2, 6)) c.max_size = *v;
  }
  if (auto v = Number(it, "spacing_m", e, 0.5, 3, c.spacing_m))
    c.spacing_m = static_cast<float>(*v);
}

// The fields of kind `kind` into `out`.
void ParseKind(const json& b, const CrowdGroup& group, nav::Behaviour& out, GroupErrors& e) {
  switch (out.kind) {
    case Kind::kStand:
      break;
    case Kind::kWander:
      ParseWander(b, group, out.wander, e);
      ParseCompanions(b, out.companions, e);
      break;
    case Kind::kPath:
      ParseWalkPath(b, group, out.path, e);
      ParseCompanions(b, out.companions, e);
      break;
    case Kind::kGoTo:
      ParseGoTo(b, out.go_to, e);
      ParseCompanions(b, out.companions, e);
      break;
    case Kind::kQueue:
      ParseQueue(b, out.queue, e);
      break;
    case Kind::kWatch:
      if (auto p = SetPointField(b, "point", e)) out.watch.point = *p;
      break;
    case Kind::kPart:
      ParsePart(b, out.part, e);
      break;
  }
}

// A moving group's cycle is what its agents play while they stand: walk (they walk when they
// travel) and sit are refused, and so is moving a seated group.
void CheckMotion(const CrowdGroup& group, GroupErrors& e) {
  if (!group.Moves()) return;
  const auto* seats = std::get_if<SeatsSpec>(&group.layout);
  if (seats != nullptr && seats->seated) {
    e.Add("behaviour.kind", "seated people stay seated: a seated group may only stand or watch");
  } else if (group.motion.cycle == anim::MotionCycle::kWalk ||
             group.motion.cycle == anim::MotionCycle::kSit) {
    e.Add("motion.cycle",
          "a moving group walks when its agents travel; its cycle is what they do when they "
          "stand: idle or still");
  }
}

}  // namespace

bool AsksToMove(const json& g) {
  const auto it = g.find("behaviour");
  if (it == g.end() || !it->is_object()) return false;
  const auto kind = it->find("kind");
  if (kind == it->end() || !kind->is_string()) return false;
  const auto k = Kinds().find(kind->get<std::string>());
  return k != Kinds().end() && nav::Moves(k->second.kind);
}

void ParseBehaviour(const json& g, CrowdGroup& group, GroupErrors& e) {
  const auto it = g.find("behaviour");
  if (it == g.end()) return;
  const auto kind_it = it->is_object() ? it->find("kind") : it->end();
  const auto kind = it->is_object() && kind_it != it->end() && kind_it->is_string()
                        ? Kinds().find(kind_it->get<std::string>())
                        : Kinds().end();
  std::set<std::string> keys = {"kind"};
  if (kind != Kinds().end()) keys.insert(kind->second.keys.begin(), kind->second.keys.end());
  const NestedObject b(g, "behaviour", keys, " such as {\"kind\": \"wander\"}", e);
  if (b.get() == nullptr) return;
  if (kind == Kinds().end()) {
    e.Add("kind", "expected one of: " + KindList() +
                      (kind_it == it->end() ? " (missing)" : ", got " + JsonExcerpt(*kind_it)));
    return;
  }
  nav::Behaviour out;
  out.kind = kind->second.kind;
  ParseKind(*b.get(), group, out, e);
  group.behaviour = std::move(out);
  e.SetScope("");
  CheckMotion(group, e);
}

}  // namespace figurant::crowd::internal
