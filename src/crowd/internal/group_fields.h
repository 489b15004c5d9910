// The fields of a crowd group as the parser reads them (docs/scene-spec.md, "crowds"): one error
// collector per group, and readers for numbers, strings, points and polygons that record a problem
// naming the field instead of failing. Shared by the group parser (groups.cpp) and the behaviour
// parser (behaviour_spec.cpp); not part of the crowd library's interface.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crowd/layout.h"
#include "geom/vec.h"

namespace figurant::crowd::internal {

using nlohmann::json;

// Error collector scoped to one group: "SOURCE: crowds[i] (name): field 'x': why".
class GroupErrors {
 public:
  GroupErrors(std::string_view source, size_t index) : prefix_(std::string(source)) {
    prefix_ += ": crowds[" + std::to_string(index) + "]";
  }
  void SetName(const std::string& name) { name_ = name; }
  // Fields added from now on are inside the object `scope` ("heading"); "" for the group's own.
  void SetScope(std::string_view scope) { scope_ = scope.empty() ? "" : std::string(scope) + "."; }
  // The scope now, "" or "a.b" (for nesting one inside another).
  std::string scope() const { return scope_.empty() ? "" : scope_.substr(0, scope_.size() - 1); }
  void Add(std::string_view field, const std::string& why) {
    lines_.push_back(prefix_ + (name_.empty() ? "" : " (" + name_ + ")") + ": field '" + scope_ +
                     std::string(field) + "': " + why);
  }
  bool empty() const { return lines_.empty(); }
  void AppendTo(std::vector<std::string>& all) const {
    all.insert(all.end(), lines_.begin(), lines_.end());
  }

 private:
  std::string prefix_, name_, scope_;
  std::vector<std::string> lines_;
};

// The object field `key` of `g`, its unknown keys reported, with `e` scoped to it (inside the
// scope it had) until the returned guard goes, which restores that scope; nullptr (and a problem
// unless absent) when it is not an object.
class NestedObject {
 public:
  NestedObject(const json& g, std::string_view key, const std::set<std::string>& known,
               std::string_view example, GroupErrors& e)
      : e_(e), outer_(e.scope()) {
    const auto it = g.find(std::string(key));
    if (it == g.end()) return;
    if (!it->is_object()) {
      e.Add(key, "expected an object" + std::string(example));
      return;
    }
    object_ = &*it;
    e.SetScope(outer_.empty() ? std::string(key) : outer_ + "." + std::string(key));
    for (const auto& [k, _] : it->items()) {
      if (!known.contains(k)) e.Add(k, "unknown field");
    }
  }
  ~NestedObject() { e_.SetScope(outer_); }
  NestedObject(const NestedObject&) = delete;
  NestedObject& operator=(const NestedObject&) = delete;
  const json* get() const { return object_; }

 private:
  GroupErrors& e_;
  std::string outer_;
  const json* object_ = nullptr;
};

// `value`, or nullopt with its problem recorded at `field`.
template <typename T>
std::optional<T> Take(Result<T> value, std::string_view field, GroupErrors& e) {
  if (value.ok()) return std::move(value).value();
  e.Add(field, value.status().message());
  return std::nullopt;
}

// The number field `field` of `g` within [lo, hi]: `fallback` when absent (a problem when there
// is none), nullopt with the problem recorded when it is not such a number.
std::optional<double> Number(const json& g, std::string_view field, GroupErrors& e, double lo,
                             double hi, std::optional<double> fallback);
// The integer field `field` of `g` within [lo, hi]; required.
std::optional<int> Integer(const json& g, std::string_view field, GroupErrors& e, int lo, int hi);
// The string field `field` of `g`: `fallback` when absent, nullopt (with the problem recorded)
// when it is not a string.
std::optional<std::string> String(const json& g, std::string_view field, GroupErrors& e,
                                  const std::string& fallback);
// The boolean field `field` of `g`; nullopt when absent or (recorded) not a boolean.
std::optional<bool> Boolean(const json& g, std::string_view field, GroupErrors& e);
// A coordinate: a number within ±kMaxVectorComponent. Nothing recorded.
std::optional<double> Coordinate(const json& v);
// [x, z], each a coordinate. Nothing recorded.
std::optional<Point2> GroundPoint(const json& v);
// [x, y, z], each a coordinate. Nothing recorded.
std::optional<geom::Vec3f> Point3(const json& v);
// The points of a polygon or path `v` (at least `min`, at most kMaxGroupPoints, each [x, z]).
std::optional<std::vector<Point2>> GroundPoints(const json& v, size_t min, std::string_view field,
                                                std::string_view what, GroupErrors& e);
// A polygon of at least 3 points (GroundPoints).
std::optional<Polygon> PolygonField(const json& v, std::string_view field, GroupErrors& e);

}  // namespace figurant::crowd::internal
