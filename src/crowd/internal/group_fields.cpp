#include "crowd/internal/group_fields.h"

#include "core/json_input.h"
#include "crowd/groups.h"
#include "crowd/scene_spec.h"

namespace figurant::crowd::internal {
std::optional<double> Number(const json& g, std::string_view field, GroupErrors& e, double lo,
                             double hi, std::optional<double> fallback) {
  const auto it = g.find(std::string(field));
  if (it == g.end()) {
    if (!fallback) e.Add(field, "missing (expected a number)");
    return fallback;
  }
  return Take(JsonNumber(*it, lo, hi), field, e);
}

std::optional<int> Integer(const json& g, std::string_view field, GroupErrors& e, int lo, int hi) {
  const auto it = g.find(std::string(field));
  if (it == g.end()) {
    e.Add(field, "expected an integer in " + std::to_string(lo) + ".." + std::to_string(hi) +
                     " (missing)");
    return std::nullopt;
  }
  const auto v = Take(JsonInteger(*it, lo, hi), field, e);
  return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
}

// The string field `field` of `g`: `fallback` when absent, nullopt (with the problem recorded)
// when it is not a string.
std::optional<std::string> String(const json& g, std::string_view field, GroupErrors& e,
                                  const std::string& fallback) {
  const auto it = g.find(std::string(field));
  if (it == g.end()) return fallback;
  return Take(JsonString(*it), field, e);
}

std::optional<bool> Boolean(const json& g, std::string_view field, GroupErrors& e) {
  const auto it = g.find(std::string(field));
  if (it == g.end()) return std::nullopt;
  return Take(JsonBool(*it), field, e);
}

// A coordinate: a number within ±kMaxVectorComponent.
std::optional<double> Coordinate(const json& v) {
  auto c = JsonNumber(v, -kMaxVectorComponent, kMaxVectorComponent);
  return c.ok() ? std::optional<double>(*c) : std::nullopt;
}

std::optional<Point2> GroundPoint(const json& v) {
  if (!v.is_array() || v.size() != 2) return std::nullopt;
  const auto x = Coordinate(v[0]), z = Coordinate(v[1]);
  if (!x || !z) return std::nullopt;
  return Point2{*x, *z};
}

std::optional<geom::Vec3f> Point3(const json& v) {
  if (!v.is_array() || v.size() != 3) return std::nullopt;
  geom::Vec3f p;
  float* c[3] = {&p.x, &p.y, &p.z};
  for (size_t i = 0; i < 3; ++i) {
    const auto x = Coordinate(v[i]);
    if (!x) return std::nullopt;
    *c[i] = static_cast<float>(*x);
  }
  return p;
}

// The points of a polygon or path `v` (at least `min`, at most kMaxGroupPoints, each [x, z]).
std::optional<std::vector<Point2>> GroundPoints(const json& v, size_t min, std::string_view field,
                                                std::string_view what, GroupErrors& e) {
  if (!v.is_array() || v.size() < min || v.size() > kMaxGroupPoints) {
    e.Add(field, "expected " + std::string(what) + " of " + std::to_string(min) + ".." +
                     std::to_string(kMaxGroupPoints) + " ground points [x, z]");
    return std::nullopt;
  }
  std::vector<Point2> out;
  for (const json& p : v) {
    auto q = GroundPoint(p);
    if (!q) {
      e.Add(field,
            "every point must be [x, z] in metres (each within ±1e+06), got " + JsonExcerpt(p));
      return std::nullopt;
    }
    out.push_back(*q);
  }
  return out;
}

std::optional<Polygon> PolygonField(const json& v, std::string_view field, GroupErrors& e) {
  return GroundPoints(v, 3, field, "a polygon", e);
}

}  // namespace figurant::crowd::internal
