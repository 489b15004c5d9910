// Crowd layout: where agents stand. Three kinds of group, each deterministic for a seed:
//   - area:  Poisson-disk placement inside a ground polygon with holes (Bridson, "Fast Poisson
//            Disk Sampling in Arbitrary Dimensions", SIGGRAPH 2007 sketches), at a density or a
//            count, never closer than two personal radii;
//   - seats: rows of seats (stadium stands, theatres, bleachers) filled to a ratio;
//   - path:  a polyline with a width (queues, pavements), at a spacing, facing along it.
// Ground points are (x, z) in metres; agents stand on the plane y = 0, or on a set's surfaces
// (+Y up). Headings are radians about +Y, 0 facing +Z, positive turning +Z towards +X
// (geom::Mat4f::RotationY).
// Pure functions: no I/O, thread-safe, same inputs and seed → same placements, bit for bit.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "geom/mesh.h"
#include "geom/vec.h"

namespace figurant::crowd {

struct Point2 {
  double x = 0;  // [Units: metres]
  double z = 0;  // [Units: metres]
};
using Polygon = std::vector<Point2>;  // simple polygon, either winding, not closed explicitly

enum class HeadingMode { kRandom, kToward, kAlongPath, kFixed };

struct HeadingSpec {
  HeadingMode mode = HeadingMode::kRandom;
  geom::Vec3f point;      // kToward: the point of interest [Units: metres]
  double degrees = 0;     // kFixed: the heading [Units: degrees]
  double spread_deg = 0;  // uniform jitter added to any mode, full width [Units: degrees] [0..360]
};

struct AreaSpec {
  Polygon outline;                       // >= 3 points
  std::vector<Polygon> holes;            // regions inside the outline to keep empty
  std::optional<double> density_per_m2;  // people per square metre [Limits: > 0]
  std::optional<int> count;              // or an exact head count [Limits: > 0]
  double personal_radius_m = 0.35;       // no two agents closer than twice this [Units: m] [> 0]
  HeadingSpec heading;
};

struct SeatsSpec {
  geom::Vec3f origin;                    // first seat of the front row [Units: metres]
  int rows = 1;                          // [Limits: 1..1000]
  int seats_per_row = 1;                 // [Limits: 1..10000]
  double seat_spacing_m = 0.5;           // along a row [Units: metres] [> 0]
  double row_depth_m = 0.8;              // between rows, horizontally [Units: metres] [> 0]
  double row_rise_m = 0.4;               // between rows, vertically [Units: metres] [>= 0]
  geom::Vec3f row_axis{1, 0, 0};         // direction along a row (horizontal), normalised on use
  std::optional<geom::Vec3f> back_axis;  // direction rows recede; default: away from a heading
                                         // target, else the row axis turned 90° (+Z for +X)
  double fill = 1.0;                     // fraction of seats occupied [Limits: 0..1]
  bool seated = false;                   // people sit (true) or stand at their seats
  bool tiers = false;   // also build the stepped tiers rows stand on (set geometry)
  HeadingSpec heading;  // typically kToward the pitch or stage
  // A seat placed at every seat, taken or not (set geometry): metres, +Y up, origin on the floor
  // under the seat's centre, facing +Z (the way its occupant looks). The scene names the file
  // (`seat_mesh`, relative to the scene); the shot reads it into `seat_geometry` before layout.
  std::string seat_mesh;
  std::shared_ptr<const geom::Mesh> seat_geometry;
};

// Most triangles a seats group's seat meshes may add (seats × triangles per seat).
inline constexpr size_t kMaxSeatTriangles = 20'000'000;
// How far back on its tread a seated person (and a seat) is put, so the feet, out in front of the
// seat, stay on the tread: this share of the row depth, at most kMaxSeatSetbackM. [Units: metres]
inline constexpr double kSeatSetbackShare = 0.25;
inline constexpr double kMaxSeatSetbackM = 0.2;
// A person standing at a seat mesh stands this far in front of the seat. [Units: metres]
inline constexpr double kStandInFrontOfSeatM = 0.35;

struct PathSpec {
  std::vector<Point2> points;      // polyline, >= 2 points
  double width_m = 2.0;            // agents spread across this width [Units: metres] [>= 0]
  double spacing_m = 1.2;          // mean distance between consecutive agents [Units: m] [> 0]
  double personal_radius_m = 0.3;  // [Units: metres] [> 0]
  HeadingSpec heading{HeadingMode::kAlongPath};
};

// One placed agent before casting.
struct Placement {
  geom::Vec3f position;   // feet [Units: metres]
  float heading_rad = 0;  // [Units: radians]
  bool seated = false;
  int row = -1;   // seats: row index from the front, else -1
  int seat = -1;  // seats: index along the row, else -1
};

struct LayoutResult {
  int asked = 0;  // people asked for (count, or density × usable area, or fill × seats)
  std::vector<Placement> placements;
  std::string shortfall;  // why fewer than asked were placed; empty when all were
  // Area groups: usable area — outline minus holes, and on a set, minus the ground set geometry
  // blocks (estimated on a probe grid). [Units: m²]
  double area_m2 = 0;
  // Area groups on a set: the share of the outline (minus holes) where nobody can stand, 0..1.
  double set_blocked_fraction = 0;
  geom::Mesh set_geometry;  // seats: tiers (one closed box per row) and seat meshes, world space
};

class SetSurface;  // crowd/set_surface.h

// InvalidArgument naming the field for malformed specs (too few points, non-positive radius,
// both or neither of density and count, ...). A spec that is valid but cannot fit everyone returns
// OK with fewer placements and `shortfall` explaining why.
//
// Area and path groups take an optional set (`set`, not owned, may be null): without one agents
// stand on y = 0; with one each agent stands on the highest walkable, supported, clear surface
// below its ground point (crowd/set_surface.h) and points with none are skipped. A density is then
// met over the usable area only. Seats ignore sets: their rows say where people are.
Result<LayoutResult> LayoutArea(const AreaSpec& spec, uint64_t seed,
                                const SetSurface* set = nullptr);
Result<LayoutResult> LayoutSeats(const SeatsSpec& spec, uint64_t seed);
Result<LayoutResult> LayoutPath(const PathSpec& spec, uint64_t seed,
                                const SetSurface* set = nullptr);

// The most people a group can ask for, known before it is laid out and without allocating: its
// count, its density × (outline − holes), its seats (rows × seats per row), or one per spacing
// along its path plus one. A scene's people limit is checked against the sum (crowd/scene_spec.h);
// may be huge or +inf for absurd specs (never undefined behaviour).
double MostPeople(const AreaSpec& spec);
double MostPeople(const SeatsSpec& spec);
double MostPeople(const PathSpec& spec);

// Geometry helpers, exposed for tests and for casting.
double PolygonArea(const Polygon& polygon);  // absolute area [m²]
bool PointInPolygon(const Polygon& polygon, Point2 p);
// Heading for an agent at `at` under `spec`; `path_direction` is used by kAlongPath.
float HeadingFor(const HeadingSpec& spec, const geom::Vec3f& at, const Point2& path_direction,
                 double uniform01);

}  // namespace figurant::crowd
