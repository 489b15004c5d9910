// Crowd groups as a scene file states them (docs/scene-spec.md, "crowds"): JSON → layout specs and
// casting filters. Parsing is strict and safe for untrusted input; errors name the group and field,
// e.g. "crowds[1] (stand_a): field 'rows': expected an integer in 1..1000".
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "anim/pose_variation.h"
#include "core/status.h"
#include "crowd/layout.h"
#include "nav/behaviours.h"

namespace figurant::crowd {

// Which doubles a group may draw from, beyond what the licences allow.
struct CastFilter {
  std::vector<std::string> look_tags;                // every listed tag required (AND)
  std::optional<double> min_height_m, max_height_m;  // measured height of the double [metres]
  // Proportions between tags, e.g. {"winter_coats": 0.7, "formal": 0.3}: that share of the group's
  // agents is cast from doubles carrying the tag. Shares sum to <= 1; the rest is unconstrained.
  std::map<std::string, double> tag_mix;
};

// Variation applied per agent, within what each licence permits (a licence that permits no
// alteration gets none).
struct VariationSpec {
  double tint_hue_deg = 0;     // ± jitter of wardrobe hue [Units: degrees] [0..180]
  double tint_saturation = 0;  // ± jitter of wardrobe saturation, fraction [0..1]
  double tint_value = 0;       // ± jitter of wardrobe value (brightness), fraction [0..1]
  double body_scale = 0;       // ± uniform scale jitter, fraction [0..0.2]; needs body_scale
  double phase = 1;            // spread of agents' starting phases, fraction of a cycle [0..1]
};

inline constexpr int kMaxMotionVariants = 32;

// Limits of the "crowds" list (docs/scene-spec.md, "Limits").
inline constexpr size_t kMaxCrowdGroups = 256;
// Points of one polygon or path, and holes of one area group: layout tests every point against
// every edge, so this bounds the work as much as the memory.
inline constexpr size_t kMaxGroupPoints = 10'000;
// An area group's count. [Limits: 1..kMaxGroupPeople]
inline constexpr size_t kMaxGroupPeople = 20'000'000;

// How a group's agents move (docs/motion.md): every agent of a rigged double plays `cycle` in
// place from its own starting phase, quantised to `variants` phases per cycle (so a double costs
// at most `variants` posed copies, however many agents show it).
struct GroupMotion {
  anim::MotionCycle cycle = anim::MotionCycle::kIdle;  // default: walk for path groups
  int variants = 8;          // distinct phases per cycle [Limits: 1..kMaxMotionVariants]
  double cycle_seconds = 0;  // one loop [Units: seconds] [Limits: 0.1..600]; set on parse
};

struct CloneSpec {
  double min_same_double_distance_m = 8.0;        // [Units: metres] [>= 0]
  double min_same_double_screen_fraction = 0.15;  // of frame width [>= 0]
};

struct CrowdGroup {
  std::string name;
  std::variant<AreaSpec, SeatsSpec, PathSpec> layout;
  CastFilter filter;
  VariationSpec variation;
  CloneSpec clones;
  GroupMotion motion;
  // How the group's agents travel through the set (docs/scene-spec.md, "behaviour"); none: they
  // stand where layout put them. A point the file gave as [x, z] has y = NaN: the shot stands it
  // on the set before simulating.
  std::optional<nav::Behaviour> behaviour;

  // True when the behaviour moves the agents (wander, path, goto, queue, part).
  bool Moves() const;
};

// Parses the "crowds" array. `source` names the file in messages.
Result<std::vector<CrowdGroup>> ParseCrowdGroups(const nlohmann::json& crowds,
                                                 std::string_view source);

}  // namespace figurant::crowd
