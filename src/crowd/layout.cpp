// Area groups: Bridson's Poisson-disk sampling (SIGGRAPH 2007 sketch "Fast Poisson Disk Sampling
// in Arbitrary Dimensions") inside a polygon with holes, followed by weighted sample elimination
// (Yuksel, "Sample Elimination for Generating Poisson Disk Sample Sets", Eurographics 2015) down to
// the exact head count, so the density is met exactly and the spacing stays even.
#include "crowd/layout.h"

#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <unordered_map>

#include "core/random.h"
#include "crowd/set_surface.h"

namespace figurant::crowd {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr int kBridsonAttempts = 16;         // candidates per active point (Bridson's k)
constexpr double kCandidateRadius = 1.0001;  // candidates at this multiple of r
constexpr int kExtraSeedAttempts = 200;      // random restarts to reach disconnected regions
constexpr double kOversample = 1.1;          // generate this many times the target, then eliminate
constexpr double kMaximalDensity = 0.84;     // points × r² per m² of a maximal set (measured)
constexpr int kMaxRadiusShrinks = 12;
constexpr int kMaxSeats = 10'000'000;
constexpr size_t kMaxAreaAgents = 20'000'000;
constexpr double kMaxPathAgents = 20'000'000;
constexpr double kUsableProbes = 20'000;    // probe points estimating a set's usable area
constexpr double kMinProbeSpacingM = 0.05;  // no finer than this
constexpr int kPathAttempts = 8;            // jittered tries per path spot
// Large areas are sampled and thinned in bands of grid rows, two passes of concurrent bands.
constexpr int64_t kMinBandRows = 8;
constexpr int64_t kPointsPerBand = 20'000;
constexpr int64_t kMaxBands = 256;

struct Bounds2 {
  double x0 = INFINITY, z0 = INFINITY, x1 = -INFINITY, z1 = -INFINITY;
};

Bounds2 BoundsOf(const Polygon& p) {
  Bounds2 b;
  for (const Point2& q : p) {
    b.x0 = std::min(b.x0, q.x);
    b.z0 = std::min(b.z0, q.z);
    b.x1 = std::max(b.x1, q.x);
    b.z1 = std::max(b.z1, q.z);
  }
  return b;
}

bool Inside(const AreaSpec& spec, Point2 p) {
  if (!PointInPolygon(spec.outline, p)) return false;
  for (const Polygon& h : spec.holes) {
    if (PointInPolygon(h, p)) return false;
  }
  return true;
}

// A uniform grid over the bounding box holding at most one sample per cell (cell = r / sqrt 2).
// The rows are split into bands; a cell holds the sample's index in its band's list (-1 if
// empty), so bands whose rows are three or more apart can be filled at the same time.
class SampleGrid {
 public:
  SampleGrid(const Bounds2& b, double min_dist)
      : b_(b), cell_(min_dist / std::numbers::sqrt2), r2_(min_dist * min_dist) {
    nx_ = std::max<int64_t>(1, static_cast<int64_t>(std::ceil((b.x1 - b.x0) / cell_)) + 1);
    nz_ = std::max<int64_t>(1, static_cast<int64_t>(std::ceil((b.z1 - b.z0) / cell_)) + 1);
    cells_.assign(static_cast<size_t>(nx_ * nz_), -1);
  }
  // Splits the rows into `bands` bands of equal height (the last may be shorter).
  void SetBands(int64_t rows_per_band) { rows_per_band_ = rows_per_band; }
  int64_t rows() const { return nz_; }
  double cell() const { return cell_; }
  int64_t Row(double z) const { return static_cast<int64_t>((z - b_.z0) / cell_); }
  // Whether `p` is at least the minimum distance from every sample; `bands` holds each band's
  // samples.
  bool Fits(Point2 p, const std::vector<std::vector<Point2>>& bands) const {
    const int64_t cx = CellX(p.x), cz = Row(p.z);
    // A sample in the same cell is always closer than r (the cell's diagonal is r).
    if (cells_[static_cast<size_t>(cz * nx_ + cx)] >= 0) return false;
    // The bands of rows cz - 2 .. cz + 2 (bands are at least three rows high).
    const int64_t band = cz / rows_per_band_, in_band = cz - band * rows_per_band_;
    std::array<const Point2*, 5> row_points{};
    for (int64_t dz = -2; dz <= 2; ++dz) {
      const int64_t z = cz + dz;
      if (z < 0 || z >= nz_) continue;
      const int64_t b = band + (in_band + dz < 0 ? -1 : in_band + dz >= rows_per_band_ ? 1 : 0);
      row_points[static_cast<size_t>(dz + 2)] = bands[static_cast<size_t>(b)].data();
    }
    // The 20 other cells that can hold a sample closer than r (the corners of the 5 × 5 block
    // cannot), nearest first: a conflict is usually found in the first few.
    static constexpr std::array<std::array<int8_t, 2>, 20> kNear = {
        {{-1, 0}, {1, 0},  {0, -1},  {0, 1},  {-1, -1}, {1, -1},  {-1, 1},
         {1, 1},  {-2, 0}, {2, 0},   {0, -2}, {0, 2},   {-2, -1}, {-2, 1},
         {2, -1}, {2, 1},  {-1, -2}, {1, -2}, {-1, 2},  {1, 2}}};
    for (const auto& [ox, oz] : kNear) {
      const int64_t x = cx + ox, z = cz + oz;
      if (x < 0 || x >= nx_ || z < 0 || z >= nz_) continue;
      const int32_t i = cells_[static_cast<size_t>(z * nx_ + x)];
      if (i < 0) continue;
      const Point2& q = row_points[static_cast<size_t>(oz + 2)][i];
      const double dx = q.x - p.x, dz = q.z - p.z;
      if (dx * dx + dz * dz < r2_) return false;
    }
    return true;
  }
  void Add(Point2 p, int32_t index_in_band) {
    cells_[static_cast<size_t>(Row(p.z) * nx_ + CellX(p.x))] = index_in_band;
  }
  bool InBox(Point2 p) const {
    return p.x >= b_.x0 && p.x <= b_.x1 && p.z >= b_.z0 && p.z <= b_.z1;
  }

 private:
  int64_t CellX(double x) const { return static_cast<int64_t>((x - b_.x0) / cell_); }
  Bounds2 b_;
  double cell_, r2_;
  int64_t nx_ = 1, nz_ = 1;
  int64_t rows_per_band_ = INT64_MAX;
  std::vector<int32_t> cells_;
};

// Fills one band of grid rows [row0, row1) with a maximal Poisson-disk set: growth first from
// `frontier` (samples of the neighbouring bands near its edges), then from random seeds (which
// also reach disconnected parts of the area). Writes only `bands[band]` and the band's cells.
void FillBand(const AreaSpec& spec, const SetSurface* set, double r, size_t cap, SampleGrid& grid,
              std::vector<std::vector<Point2>>& bands, size_t band, int64_t row0, int64_t row1,
              const Bounds2& box, const std::vector<Point2>& frontier, Rng& rng) {
  std::array<Point2, kBridsonAttempts> dirs;
  for (int a = 0; a < kBridsonAttempts; ++a) {
    dirs[static_cast<size_t>(a)] = {std::cos(2 * kPi * a / kBridsonAttempts),
                                    std::sin(2 * kPi * a / kBridsonAttempts)};
  }
  std::vector<Point2>& pts = bands[band];
  std::vector<Point2> active(frontier);
  auto try_add = [&](Point2 p) {
    if (!grid.InBox(p)) return false;
    const int64_t row = grid.Row(p.z);
    // Most candidates fall near a sample: the grid test first, the polygon after.
    if (row < row0 || row >= row1 || !grid.Fits(p, bands) || !Inside(spec, p)) return false;
    if (set != nullptr && !set->StandAt(p, spec.personal_radius_m)) return false;
    grid.Add(p, static_cast<int32_t>(pts.size()));
    active.push_back(p);
    pts.push_back(p);
    return true;
  };
  // Breadth-first growth: each point, in the order placed, tries every candidate direction once
  // and keeps all that fit. The front sweeps outwards, so memory access stays local.
  size_t head = 0;
  auto grow = [&] {
    while (head < active.size() && pts.size() < cap) {
      const Point2 base = active[head++];
      // Rotate the fixed candidate directions by a random angle (one sincos per point).
      const double start = rng.Uniform(0, 2 * kPi);
      const double cs = std::cos(start) * r * kCandidateRadius;
      const double sn = std::sin(start) * r * kCandidateRadius;
      for (const Point2& d : dirs)
        try_add({base.x + cs * d.x - sn * d.z, base.z + sn * d.x + cs * d.z});
    }
  };
  grow();
  const double z0 = std::max(box.z0, box.z0 + static_cast<double>(row0) * grid.cell());
  const double z1 = std::min(box.z1, box.z0 + static_cast<double>(row1) * grid.cell());
  for (int s = 0; s < kExtraSeedAttempts && pts.size() < cap; ++s) {
    if (try_add({rng.Uniform(box.x0, box.x1), rng.Uniform(z0, z1)})) grow();
  }
}

// Rows of a grid split into bands for the two-pass parallel stages: as many bands as the rows
// (at least kMinBandRows each) and the points (about kPointsPerBand each) allow, at most kMaxBands.
struct BandRows {
  int64_t rows_per_band = 1;
  size_t count = 1;
};

BandRows SplitRows(int64_t rows, int64_t bands_for_points) {
  const int64_t band_count =
      std::clamp<int64_t>(std::min<int64_t>(rows / kMinBandRows, bands_for_points), 1, kMaxBands);
  const int64_t rows_per_band = (rows + band_count - 1) / band_count;
  return {rows_per_band, static_cast<size_t>((rows + rows_per_band - 1) / rows_per_band)};
}

// Runs fn(band) for every band: the even ones concurrently, then the odd ones. A band's work may
// read its neighbours, never write them, so the result is the same for any number of threads.
template <typename Fn>
void ForBandsByParity(size_t bands, Fn&& fn) {
  for (size_t parity = 0; parity < 2; ++parity) {
    tbb::parallel_for(size_t{0}, (bands + 1 - parity) / 2, [&](size_t k) { fn(2 * k + parity); });
  }
}

// Maximal Poisson-disk set with minimum distance `r` inside the area (and where the set, if any,
// lets a person stand), at most about `cap` points. Large areas are split into bands of rows:
// the even bands are filled concurrently, then the odd ones, each growing from its filled
// neighbours' edges, so the result is the same for any number of threads.
std::vector<Point2> Bridson(const AreaSpec& spec, const SetSurface* set, double r, uint64_t seed,
                            uint64_t attempt, size_t cap) {
  const Bounds2 b = BoundsOf(spec.outline);
  SampleGrid grid(b, r);
  const double expected = kMaximalDensity * (b.x1 - b.x0) * (b.z1 - b.z0) / (r * r);
  const BandRows split = SplitRows(grid.rows(), static_cast<int64_t>(expected / kPointsPerBand));
  const int64_t rows_per_band = split.rows_per_band;
  const size_t bands_n = split.count;
  grid.SetBands(rows_per_band);
  std::vector<std::vector<Point2>> bands(bands_n);
  ForBandsByParity(bands_n, [&](size_t band) {
    const int64_t row0 = static_cast<int64_t>(band) * rows_per_band;
    const int64_t row1 = std::min(grid.rows(), row0 + rows_per_band);
    // Samples of the neighbours within two rows of this band: only they can seed points in it.
    std::vector<Point2> frontier;
    if (band > 0) {
      for (const Point2& p : bands[band - 1]) {
        if (grid.Row(p.z) >= row0 - 2) frontier.push_back(p);
      }
    }
    if (band + 1 < bands_n) {
      for (const Point2& p : bands[band + 1]) {
        if (grid.Row(p.z) < row1 + 2) frontier.push_back(p);
      }
    }
    // Band 0 keeps the stream a single-band area has always used.
    Rng rng = Rng::Derive(seed, attempt + (static_cast<uint64_t>(band) << 32));
    FillBand(spec, set, r, cap, grid, bands, band, row0, row1, b, frontier, rng);
  });
  std::vector<Point2> pts;
  size_t total = 0;
  for (const auto& band : bands) total += band.size();
  pts.reserve(total);
  for (const auto& band : bands) pts.insert(pts.end(), band.begin(), band.end());
  return pts;
}

// Points bucketed by square cells over their bounds, in one flat array (counting sort): cell c
// holds members[start[c] .. start[c + 1]).
struct CellBuckets {
  Bounds2 box;
  double cell = 1;  // [Units: metres]
  int64_t nx = 1, nz = 1;
  std::vector<int64_t> cell_of;  // per point: z * nx + x
  std::vector<uint32_t> start;
  std::vector<int32_t> members;
};

CellBuckets BucketPoints(const std::vector<Point2>& pts, double cell) {
  CellBuckets c;
  c.box = BoundsOf(pts);
  c.cell = cell;
  c.nx = static_cast<int64_t>((c.box.x1 - c.box.x0) / cell) + 1;
  c.nz = static_cast<int64_t>((c.box.z1 - c.box.z0) / cell) + 1;
  c.cell_of.resize(pts.size());
  c.start.assign(static_cast<size_t>(c.nx * c.nz) + 1, 0);
  for (size_t i = 0; i < pts.size(); ++i) {
    const auto cx = static_cast<int64_t>((pts[i].x - c.box.x0) / cell);
    const auto cz = static_cast<int64_t>((pts[i].z - c.box.z0) / cell);
    c.cell_of[i] = cz * c.nx + cx;
    ++c.start[static_cast<size_t>(c.cell_of[i]) + 1];
  }
  for (size_t k = 1; k < c.start.size(); ++k) c.start[k] += c.start[k - 1];
  c.members.resize(pts.size());
  std::vector<uint32_t> fill(c.start.begin(), c.start.end() - 1);
  for (size_t i = 0; i < pts.size(); ++i) {
    c.members[fill[static_cast<size_t>(c.cell_of[i])]++] = static_cast<int32_t>(i);
  }
  return c;
}

// Each band's share of `excess` removals, in proportion to its points; the remainders go to the
// largest fractions (ties: lower band), never more than a band holds.
std::vector<size_t> BandQuotas(const std::vector<std::vector<int32_t>>& band_points, size_t total,
                               size_t excess) {
  const size_t bands_n = band_points.size();
  std::vector<size_t> quota(bands_n);
  std::vector<std::pair<double, size_t>> remainders;
  size_t given = 0;
  for (size_t b = 0; b < bands_n; ++b) {
    const double exact = static_cast<double>(excess) * static_cast<double>(band_points[b].size()) /
                         static_cast<double>(total);
    quota[b] = std::min(band_points[b].size(), static_cast<size_t>(exact));
    given += quota[b];
    remainders.emplace_back(exact - static_cast<double>(quota[b]), b);
  }
  std::sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (size_t k = 0; given < excess; k = (k + 1) % bands_n) {
    const size_t b = remainders[k].second;
    if (quota[b] < band_points[b].size()) {
      ++quota[b];
      ++given;
    }
  }
  return quota;
}

// An indexed binary max-heap of one band's points on weight (ties: lower index first, so the
// order is deterministic). Weights only decrease, so an update is a sift-down. `slot` maps a
// point to its place in the heap; bands share it, each touching its own points only.
class WeightHeap {
 public:
  WeightHeap(std::vector<int32_t> points, const std::vector<double>& w, std::vector<int32_t>& slot)
      : heap_(std::move(points)), size_(heap_.size()), w_(w), slot_(slot) {
    for (size_t k = 0; k < size_; ++k)
      slot_[static_cast<size_t>(heap_[k])] = static_cast<int32_t>(k);
    for (size_t k = size_ / 2; k-- > 0;) SiftDown(k);
  }
  bool empty() const { return size_ == 0; }
  // Removes and returns the point of highest weight.
  int32_t Pop() {
    const int32_t top = heap_[0];
    Place(0, heap_[--size_]);
    SiftDown(0);
    return top;
  }
  // Restores the order after point `i`'s weight went down.
  void Lowered(int32_t i) { SiftDown(static_cast<size_t>(slot_[static_cast<size_t>(i)])); }

 private:
  bool Higher(int32_t a, int32_t c) const {
    const double wa = w_[static_cast<size_t>(a)], wc = w_[static_cast<size_t>(c)];
    return wa != wc ? wa > wc : a < c;
  }
  void Place(size_t at, int32_t v) {
    heap_[at] = v;
    slot_[static_cast<size_t>(v)] = static_cast<int32_t>(at);
  }
  void SiftDown(size_t at) {
    const int32_t v = heap_[at];
    while (true) {
      size_t child = 2 * at + 1;
      if (child >= size_) break;
      if (child + 1 < size_ && Higher(heap_[child + 1], heap_[child])) ++child;
      if (!Higher(heap_[child], v)) break;
      Place(at, heap_[child]);
      at = child;
    }
    Place(at, v);
  }

  std::vector<int32_t> heap_;
  size_t size_;
  const std::vector<double>& w_;
  std::vector<int32_t>& slot_;
};

// Yuksel's elimination over bucketed points split into bands of cell rows; a point's neighbours
// (closer than twice r_max, the cell size) lie at most one row away, so bands two apart never
// touch and ForBandsByParity may run them at once.
class Elimination {
 public:
  Elimination(const std::vector<Point2>& pts, size_t target, double r_max)
      : pts_(pts), cells_(BucketPoints(pts, 2 * r_max)), four_r2_(cells_.cell * cells_.cell) {
    const BandRows split = SplitRows(
        cells_.nz, static_cast<int64_t>(pts.size() / static_cast<size_t>(kPointsPerBand)));
    rows_per_band_ = split.rows_per_band;
    band_points_.resize(split.count);
    for (size_t i = 0; i < pts.size(); ++i)
      band_points_[BandOf(i)].push_back(static_cast<int32_t>(i));
    quota_ = BandQuotas(band_points_, pts.size(), pts.size() - target);
    removed_.assign(pts.size(), 0);
    w_.assign(pts.size(), 0.0);
    slot_.resize(pts.size());
  }
  size_t bands() const { return band_points_.size(); }

  // Removes band `b`'s quota, highest weight first. Neighbours in other bands are left to their
  // own band's pass.
  void EliminateBand(size_t b) {
    const std::vector<int32_t>& mine = band_points_[b];
    for (int32_t i : mine) {
      double sum = 0;
      ForNeighbors(i, [&](int32_t, double d2) { sum += Weight(d2); });
      w_[static_cast<size_t>(i)] = sum;
    }
    WeightHeap heap(mine, w_, slot_);
    for (size_t done = 0; done < quota_[b] && !heap.empty(); ++done) {
      const int32_t i = heap.Pop();
      removed_[static_cast<size_t>(i)] = 1;
      ForNeighbors(i, [&](int32_t j, double d2) {
        if (BandOf(static_cast<size_t>(j)) != b) return;
        w_[static_cast<size_t>(j)] -= Weight(d2);
        heap.Lowered(j);
      });
    }
  }

  // The points not removed, in their original order.
  std::vector<Point2> Survivors(size_t target) const {
    std::vector<Point2> out;
    out.reserve(target);
    for (size_t i = 0; i < pts_.size(); ++i) {
      if (removed_[i] == 0) out.push_back(pts_[i]);
    }
    return out;
  }

 private:
  size_t BandOf(size_t i) const {
    return static_cast<size_t>(cells_.cell_of[i] / cells_.nx / rows_per_band_);
  }
  // Yuksel's weight (1 - d / 2r_max)^8 for a neighbour at squared distance d2.
  double Weight(double d2) const {
    const double t = 1.0 - std::sqrt(d2) / cells_.cell;
    const double t2 = t * t, t4 = t2 * t2;
    return t4 * t4;
  }
  // Calls fn(j, squared distance) for every point j not removed within twice r_max of point i.
  template <typename Fn>
  void ForNeighbors(int32_t i, Fn&& fn) const {
    const int64_t c = cells_.cell_of[static_cast<size_t>(i)];
    const int64_t cx = c % cells_.nx, cz = c / cells_.nx;
    for (int64_t z = std::max<int64_t>(0, cz - 1); z <= std::min(cells_.nz - 1, cz + 1); ++z) {
      for (int64_t x = std::max<int64_t>(0, cx - 1); x <= std::min(cells_.nx - 1, cx + 1); ++x) {
        const auto k = static_cast<size_t>(z * cells_.nx + x);
        for (uint32_t m = cells_.start[k]; m < cells_.start[k + 1]; ++m) {
          const int32_t j = cells_.members[m];
          if (j == i || removed_[static_cast<size_t>(j)] != 0) continue;
          const double dx = pts_[static_cast<size_t>(i)].x - pts_[static_cast<size_t>(j)].x;
          const double dz = pts_[static_cast<size_t>(i)].z - pts_[static_cast<size_t>(j)].z;
          const double d2 = dx * dx + dz * dz;
          if (d2 < four_r2_) fn(j, d2);
        }
      }
    }
  }

  const std::vector<Point2>& pts_;
  CellBuckets cells_;
  double four_r2_;
  int64_t rows_per_band_ = 1;
  std::vector<std::vector<int32_t>> band_points_;
  std::vector<size_t> quota_;  // per band: points to remove
  std::vector<uint8_t> removed_;
  std::vector<double> w_;
  std::vector<int32_t> slot_;
};

// Weighted sample elimination (Yuksel 2015, eq. 1 with alpha = 8) down to `target` points. Large
// sets are split into bands of grid rows, each removing its share of the excess (in proportion to
// its points): the even bands concurrently, then the odd ones with their weights recomputed from
// what the even bands left, so the result is the same for any number of threads.
std::vector<Point2> Eliminate(std::vector<Point2> pts, size_t target, double area) {
  if (pts.size() <= target) return pts;
  // r_max: the radius of a hexagonal packing of `target` points over the area (Yuksel's d_max).
  const double r_max = 2.0 * std::sqrt(area / (2.0 * std::sqrt(3.0) * static_cast<double>(target)));
  Elimination elimination(pts, target, r_max);
  ForBandsByParity(elimination.bands(), [&](size_t b) { elimination.EliminateBand(b); });
  return elimination.Survivors(target);
}

Status ValidateHeading(const HeadingSpec& h, const std::string& field) {
  if (!(h.spread_deg >= 0 && h.spread_deg <= 360)) {
    return InvalidArgument(field + ".spread_deg must be in [0, 360]");
  }
  return Status::Ok();
}

std::string Fmt(double v, int decimals = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Percent(double fraction) { return Fmt(100 * fraction, 0) + "%"; }

// The share of the area (outline minus holes) where the set lets no one of the group's radius
// stand, from a regular probe grid over the outline's bounds (deterministic).
double SetBlockedFraction(const AreaSpec& spec, double area, const SetSurface& set) {
  const Bounds2 b = BoundsOf(spec.outline);
  const double step = std::max(kMinProbeSpacingM, std::sqrt(area / kUsableProbes));
  const auto nx = static_cast<int64_t>(std::ceil((b.x1 - b.x0) / step));
  const auto nz = static_cast<int64_t>(std::ceil((b.z1 - b.z0) / step));
  int64_t inside = 0, blocked = 0;
  for (int64_t iz = 0; iz < nz; ++iz) {
    for (int64_t ix = 0; ix < nx; ++ix) {
      const Point2 p{b.x0 + (static_cast<double>(ix) + 0.5) * step,
                     b.z0 + (static_cast<double>(iz) + 0.5) * step};
      if (!Inside(spec, p)) continue;
      ++inside;
      if (!set.StandAt(p, spec.personal_radius_m)) ++blocked;
    }
  }
  return inside == 0 ? 0.0 : static_cast<double>(blocked) / static_cast<double>(inside);
}

Status ValidateArea(const AreaSpec& spec) {
  if (spec.outline.size() < 3) return InvalidArgument("polygon: needs at least 3 points");
  for (size_t i = 0; i < spec.holes.size(); ++i) {
    if (spec.holes[i].size() < 3) {
      return InvalidArgument("holes[" + std::to_string(i) + "]: needs at least 3 points");
    }
  }
  if (!(spec.personal_radius_m > 0)) return InvalidArgument("personal_radius_m must be > 0");
  if (spec.density_per_m2.has_value() == spec.count.has_value()) {
    return InvalidArgument("give exactly one of density_per_m2 and count");
  }
  if (spec.density_per_m2 && !(*spec.density_per_m2 > 0)) {
    return InvalidArgument("density_per_m2 must be > 0");
  }
  if (spec.count && *spec.count <= 0) return InvalidArgument("count must be > 0");
  return ValidateHeading(spec.heading, "heading");
}

// Where an area group can stand and how many it asks for.
struct AreaBudget {
  double area_m2 = 0;               // outline minus holes, minus what the set blocks [m²]
  double set_blocked_fraction = 0;  // of the outline minus holes, 0..1
  int asked = 0;
  std::string blocked_note;  // prefix of a shortfall: how much the set blocks; empty if none
};

Result<AreaBudget> BudgetArea(const AreaSpec& spec, const SetSurface* set) {
  AreaBudget b;
  double area = PolygonArea(spec.outline);
  for (const Polygon& h : spec.holes) area -= PolygonArea(h);  // holes lie inside the outline
  b.area_m2 = std::max(0.0, area);
  if (b.area_m2 <= 0) return InvalidArgument("polygon: the usable area (minus holes) is empty");
  if (set != nullptr) {
    b.set_blocked_fraction = SetBlockedFraction(spec, b.area_m2, *set);
    b.area_m2 *= 1 - b.set_blocked_fraction;
  }
  if (b.set_blocked_fraction > 0) {
    b.blocked_note = "set geometry blocks " + Percent(b.set_blocked_fraction) + " of the polygon; ";
  }
  const double asked = spec.count ? *spec.count : std::round(*spec.density_per_m2 * b.area_m2);
  if (asked > static_cast<double>(kMaxAreaAgents)) {
    return InvalidArgument("area group asks for " + Fmt(asked, 0) + " people; the limit is " +
                           std::to_string(kMaxAreaAgents));
  }
  b.asked = static_cast<int>(asked);
  return b;
}

// Poisson-disk points, at least `target` when the area fits them: Bridson aimed at ~kOversample ×
// the target (a maximal set reaches ~0.75 / r² points per m²), the radius shrunk until there are
// enough, never below two personal radii.
std::vector<Point2> SampleArea(const AreaSpec& spec, const SetSurface* set, uint64_t seed,
                               const AreaBudget& budget) {
  const auto target = static_cast<size_t>(budget.asked);
  const double min_dist = 2 * spec.personal_radius_m;
  double r = std::max(min_dist,
                      std::sqrt(kMaximalDensity * budget.area_m2 / (kOversample * budget.asked)));
  std::vector<Point2> pts;
  for (int attempt = 0; attempt <= kMaxRadiusShrinks; ++attempt) {
    pts = Bridson(spec, set, r, seed, static_cast<uint64_t>(attempt),
                  static_cast<size_t>(kOversample * budget.asked * 1.5) + 16);
    if (pts.size() >= target || r <= min_dist) break;
    r = std::max(min_dist, r * 0.85);
  }
  return pts;
}

// Placements at the points in a canonical order independent of the sampling history (row-major
// by z then x; points are distinct, so the order is total and a parallel sort gives the same
// result), standing on the set when there is one.
std::vector<Placement> PlaceOnArea(std::vector<Point2> pts, const AreaSpec& spec,
                                   const SetSurface* set, Rng& rng) {
  tbb::parallel_sort(pts.begin(), pts.end(), [](const Point2& a, const Point2& b) {
    return a.z != b.z ? a.z < b.z : a.x < b.x;
  });
  std::vector<Placement> out;
  out.reserve(pts.size());
  for (const Point2& p : pts) {
    Placement pl;
    // Every sample passed StandAt when it was drawn; the same query gives the same height.
    const float y = set != nullptr ? set->StandAt(p, spec.personal_radius_m).value_or(0.0f) : 0.0f;
    pl.position = {static_cast<float>(p.x), y, static_cast<float>(p.z)};
    pl.heading_rad = HeadingFor(spec.heading, pl.position, {0, 1}, rng.Uniform());
    out.push_back(pl);
  }
  return out;
}

Status ValidateSeats(const SeatsSpec& spec) {
  if (spec.rows < 1 || spec.seats_per_row < 1) {
    return InvalidArgument("rows and seats_per_row must be >= 1");
  }
  if (static_cast<int64_t>(spec.rows) * spec.seats_per_row > kMaxSeats) {
    return InvalidArgument("rows × seats_per_row exceeds " + std::to_string(kMaxSeats) + " seats");
  }
  if (!(spec.seat_spacing_m > 0) || !(spec.row_depth_m > 0) || !(spec.row_rise_m >= 0)) {
    return InvalidArgument("seat_spacing_m and row_depth_m must be > 0, row_rise_m >= 0");
  }
  if (!(spec.fill >= 0 && spec.fill <= 1)) return InvalidArgument("fill must be in [0, 1]");
  return ValidateHeading(spec.heading, "heading");
}

// Where a stand's seats are: unit horizontal directions along a row and the way rows recede.
struct StandFrame {
  geom::Vec3f along, back;
};

Result<StandFrame> FrameOf(const SeatsSpec& spec) {
  StandFrame f;
  f.along = geom::Normalize(geom::Vec3f{spec.row_axis.x, 0, spec.row_axis.z});
  if (geom::Length(f.along) == 0) {
    return InvalidArgument("row_axis must have a horizontal component");
  }
  if (spec.back_axis) {
    f.back = geom::Normalize(geom::Vec3f{spec.back_axis->x, 0, spec.back_axis->z});
  } else {
    f.back = geom::Vec3f{-f.along.z, 0, f.along.x};  // +X along → +Z back
    if (spec.heading.mode == HeadingMode::kToward) {
      // Rows recede away from what the audience watches.
      const geom::Vec3f mid = spec.origin + f.along * static_cast<float>(0.5 * spec.seat_spacing_m *
                                                                         (spec.seats_per_row - 1));
      const geom::Vec3f to_target = spec.heading.point - mid;
      if (geom::Dot(to_target, f.back) > 0) f.back = -f.back;
    }
  }
  if (geom::Length(f.back) == 0) {
    return InvalidArgument("back_axis must have a horizontal component");
  }
  return f;
}

Status CheckSeatTriangles(const SeatsSpec& spec) {
  if (!spec.seat_geometry) return Status::Ok();
  const size_t seat_triangles = spec.seat_geometry->triangle_count() *
                                static_cast<size_t>(spec.rows) *
                                static_cast<size_t>(spec.seats_per_row);
  if (seat_triangles <= kMaxSeatTriangles) return Status::Ok();
  return InvalidArgument(
      "seat_mesh: " + std::to_string(static_cast<int64_t>(spec.rows) * spec.seats_per_row) +
      " seats × " + std::to_string(spec.seat_geometry->triangle_count()) + " triangles exceeds " +
      std::to_string(kMaxSeatTriangles) + " triangles; use a simpler seat");
}

// Exactly `asked` of `total` seat indices, ascending: a seeded partial Fisher–Yates shuffle.
std::vector<int32_t> ChooseSeats(int64_t total, int asked, Rng& rng) {
  std::vector<int32_t> seats(static_cast<size_t>(total));
  for (int64_t i = 0; i < total; ++i) seats[static_cast<size_t>(i)] = static_cast<int32_t>(i);
  for (int64_t i = 0; i < asked; ++i) {
    const auto j =
        static_cast<int64_t>(i + static_cast<int64_t>(rng.Below(static_cast<uint64_t>(total - i))));
    std::swap(seats[static_cast<size_t>(i)], seats[static_cast<size_t>(j)]);
  }
  seats.resize(static_cast<size_t>(asked));
  std::sort(seats.begin(), seats.end());
  return seats;
}

// The floor point of seat `s` (row-major from the front-left seat), `setback` metres back on its
// tread.
geom::Vec3f SeatPosition(const SeatsSpec& spec, const StandFrame& f, int64_t s, double setback) {
  const int64_t row = s / spec.seats_per_row, col = s % spec.seats_per_row;
  return spec.origin +
         f.along * static_cast<float>(static_cast<double>(col) * spec.seat_spacing_m) +
         f.back * static_cast<float>(static_cast<double>(row) * spec.row_depth_m + setback) +
         geom::Vec3f{0, static_cast<float>(static_cast<double>(row) * spec.row_rise_m), 0};
}

// One closed box per row: row r's tread, from its front edge back one row depth, up to its floor
// height, the full row length plus half a seat each side, standing on y = origin.y - 0.01 (into
// the ground).
void AddTiers(const SeatsSpec& spec, const StandFrame& f, geom::Mesh& m) {
  const float half = static_cast<float>(0.5 * spec.seat_spacing_m);
  const float length = static_cast<float>(spec.seat_spacing_m * (spec.seats_per_row - 1));
  for (int row = 0; row < spec.rows; ++row) {
    const geom::Vec3f front =
        spec.origin + f.back * static_cast<float>((row - 0.5) * spec.row_depth_m);
    const geom::Vec3f a = front - f.along * half;
    const geom::Vec3f b = front + f.along * (length + half);
    const geom::Vec3f d = f.back * static_cast<float>(spec.row_depth_m);
    const float y0 = spec.origin.y - 0.01f;
    const float y1 = spec.origin.y + static_cast<float>(row * spec.row_rise_m);
    const auto base = static_cast<uint32_t>(m.positions.size());
    const geom::Vec3f corners[4] = {a, b, b + d, a + d};
    for (int k = 0; k < 4; ++k) m.positions.push_back({corners[k].x, y0, corners[k].z});
    for (int k = 0; k < 4; ++k) m.positions.push_back({corners[k].x, y1, corners[k].z});
    const uint32_t quads[6][4] = {{0, 1, 2, 3}, {4, 7, 6, 5}, {0, 4, 5, 1},
                                  {1, 5, 6, 2}, {2, 6, 7, 3}, {3, 7, 4, 0}};
    for (const auto& q : quads) {
      for (uint32_t i : {q[0], q[1], q[2], q[0], q[2], q[3]}) m.indices.push_back(base + i);
    }
  }
}

// The seat mesh at every seat, taken or not, turned to face the front of the stand (against
// `back`), `setback` metres back on its tread.
void AddSeatMeshes(const SeatsSpec& spec, const StandFrame& f, double setback, geom::Mesh& m) {
  const int64_t total = static_cast<int64_t>(spec.rows) * spec.seats_per_row;
  const geom::Mesh& seat = *spec.seat_geometry;
  const geom::Mat4f turn = geom::Mat4f::RotationY(std::atan2(-f.back.x, -f.back.z));
  m.positions.reserve(m.positions.size() + seat.positions.size() * static_cast<size_t>(total));
  m.indices.reserve(m.indices.size() + seat.indices.size() * static_cast<size_t>(total));
  for (int64_t s = 0; s < total; ++s) {
    const geom::Mat4f place = geom::Mat4f::Translation(SeatPosition(spec, f, s, setback)) * turn;
    const auto base = static_cast<uint32_t>(m.positions.size());
    for (const geom::Vec3f& p : seat.positions) m.positions.push_back(place.TransformPoint(p));
    for (uint32_t i : seat.indices) m.indices.push_back(base + i);
  }
}

Status ValidatePath(const PathSpec& spec) {
  if (spec.points.size() < 2) return InvalidArgument("points: a path needs at least 2 points");
  if (!(spec.spacing_m > 0)) return InvalidArgument("spacing_m must be > 0");
  if (!(spec.width_m >= 0)) return InvalidArgument("width_m must be >= 0");
  if (!(spec.personal_radius_m > 0)) return InvalidArgument("personal_radius_m must be > 0");
  return ValidateHeading(spec.heading, "heading");
}

double SegmentLength(const std::vector<Point2>& points, size_t s) {
  return std::hypot(points[s + 1].x - points[s].x, points[s + 1].z - points[s].z);
}

double PathLength(const std::vector<Point2>& points) {
  double length = 0;
  for (size_t i = 0; i + 1 < points.size(); ++i) length += SegmentLength(points, i);
  return length;
}

// A point on a polyline by arc length, walking from the previous query's segment (queries
// advance slowly, with jitter either way).
class PathCursor {
 public:
  explicit PathCursor(const std::vector<Point2>& points) : points_(points) {}
  struct At {
    Point2 on_path;  // the point at the arc length
    Point2 dir;      // unit direction of its segment
  };
  At Find(double s) {
    while (seg_ + 2 < points_.size() && s > seg_start_ + SegmentLength(points_, seg_)) {
      seg_start_ += SegmentLength(points_, seg_);
      ++seg_;
    }
    while (seg_ > 0 && s < seg_start_) {
      --seg_;
      seg_start_ -= SegmentLength(points_, seg_);
    }
    const double L = SegmentLength(points_, seg_);
    const Point2 a = points_[seg_], b = points_[seg_ + 1];
    const double t = std::clamp((s - seg_start_) / L, 0.0, 1.0);
    return {{a.x + (b.x - a.x) * t, a.z + (b.z - a.z) * t}, {(b.x - a.x) / L, (b.z - a.z) / L}};
  }

 private:
  const std::vector<Point2>& points_;
  size_t seg_ = 0;
  double seg_start_ = 0;  // arc length at the start of seg_
};

// One spot of a path group: the placement made, if any, and whether any try found walkable,
// clear ground (on a set).
struct PathSpot {
  std::optional<Placement> placed;
  bool any_clear = false;
};

// Up to kPathAttempts tries around arc length `s_nominal`: jittered along (±25 % of the spacing)
// and across (within the width); a try that would crowd one of the last placed neighbours is
// dropped. Facing along the path, either way (pavements carry both directions).
PathSpot TryPathSpot(const PathSpec& spec, const SetSurface* set, double length, double s_nominal,
                     PathCursor& cursor, std::vector<Point2>& placed, Rng& rng) {
  const double min_dist = 2 * spec.personal_radius_m;
  PathSpot out;
  for (int attempt = 0; attempt < kPathAttempts; ++attempt) {
    const double s = std::clamp(s_nominal + rng.Uniform(-0.25, 0.25) * spec.spacing_m, 0.0, length);
    const PathCursor::At at = cursor.Find(s);
    const double lateral = rng.Uniform(-0.5, 0.5) * spec.width_m;
    const Point2 p{at.on_path.x - at.dir.z * lateral, at.on_path.z + at.dir.x * lateral};
    std::optional<float> y = 0.0f;
    if (set != nullptr) y = set->StandAt(p, spec.personal_radius_m);
    if (!y) continue;
    out.any_clear = true;
    const bool crowded = std::any_of(
        placed.end() - std::min<ptrdiff_t>(static_cast<ptrdiff_t>(placed.size()), 6), placed.end(),
        [&](const Point2& q) { return std::hypot(q.x - p.x, q.z - p.z) < min_dist; });
    if (crowded) continue;
    placed.push_back(p);
    Placement pl;
    pl.position = {static_cast<float>(p.x), *y, static_cast<float>(p.z)};
    Point2 facing = at.dir;
    if (spec.heading.mode == HeadingMode::kAlongPath && rng.Uniform() < 0.5) {
      facing = {-at.dir.x, -at.dir.z};
    }
    pl.heading_rad = HeadingFor(spec.heading, pl.position, facing, rng.Uniform());
    out.placed = pl;
    return out;
  }
  return out;
}

// Why `missing` spots of a path group stayed empty: `set_blocked` for want of ground, the rest
// crowded.
std::string PathShortfall(const PathSpec& spec, int missing, int set_blocked) {
  std::vector<std::string> why;
  if (set_blocked > 0) {
    why.push_back(std::to_string(set_blocked) +
                  " spots along the path had no walkable, clear ground (set geometry blocks them)");
  }
  if (missing > set_blocked) {
    why.push_back(std::to_string(missing - set_blocked) +
                  " spots along the path were too close to a neighbour (spacing " +
                  Fmt(spec.spacing_m) + " m, width " + Fmt(spec.width_m) + " m, personal radius " +
                  Fmt(spec.personal_radius_m) + " m)");
  }
  std::string out;
  for (const std::string& w : why) out += (out.empty() ? "" : "; ") + w;
  return out;
}

}  // namespace

double MostPeople(const AreaSpec& spec) {
  if (spec.count) return *spec.count;
  double area = PolygonArea(spec.outline);
  for (const Polygon& h : spec.holes) area -= PolygonArea(h);
  return spec.density_per_m2.value_or(0) * std::max(0.0, area);
}

double MostPeople(const SeatsSpec& spec) {
  return static_cast<double>(spec.rows) * static_cast<double>(spec.seats_per_row);
}

double MostPeople(const PathSpec& spec) {
  return std::floor(PathLength(spec.points) / spec.spacing_m) + 1;
}

double PolygonArea(const Polygon& p) {
  double a = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const Point2& u = p[i];
    const Point2& v = p[(i + 1) % p.size()];
    a += u.x * v.z - v.x * u.z;
  }
  return std::fabs(a) / 2;
}

bool PointInPolygon(const Polygon& poly, Point2 p) {
  bool in = false;
  for (size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++) {
    const Point2& a = poly[i];
    const Point2& b = poly[j];
    if ((a.z > p.z) != (b.z > p.z) && p.x < (b.x - a.x) * (p.z - a.z) / (b.z - a.z) + a.x) in = !in;
  }
  return in;
}

float HeadingFor(const HeadingSpec& spec, const geom::Vec3f& at, const Point2& dir,
                 double uniform01) {
  double h = 0;
  switch (spec.mode) {
    case HeadingMode::kRandom:
      h = uniform01 * 2 * kPi;
      break;
    case HeadingMode::kToward:
      h = std::atan2(spec.point.x - at.x, spec.point.z - at.z);
      break;
    case HeadingMode::kAlongPath:
      h = std::atan2(dir.x, dir.z);
      break;
    case HeadingMode::kFixed:
      h = spec.degrees * kPi / 180.0;
      break;
  }
  if (spec.mode != HeadingMode::kRandom && spec.spread_deg > 0) {
    h += (uniform01 - 0.5) * spec.spread_deg * kPi / 180.0;
  }
  return static_cast<float>(std::remainder(h, 2 * kPi));
}

Result<LayoutResult> LayoutArea(const AreaSpec& spec, uint64_t seed, const SetSurface* set) {
  FIGURANT_RETURN_IF_ERROR(ValidateArea(spec));
  FIGURANT_ASSIGN_OR_RETURN(const AreaBudget budget, BudgetArea(spec, set));
  LayoutResult out;
  out.area_m2 = budget.area_m2;
  out.set_blocked_fraction = budget.set_blocked_fraction;
  out.asked = budget.asked;
  const auto target = static_cast<size_t>(out.asked);
  if (set != nullptr && out.area_m2 <= 0) {
    out.shortfall =
        "set geometry blocks 100% of the polygon: no walkable, clear ground for a "
        "person of personal radius " +
        Fmt(spec.personal_radius_m) + " m";
    return out;
  }
  if (target == 0) {
    out.shortfall = budget.blocked_note + "density × area rounds to zero people";
    return out;
  }
  Rng rng(seed);
  std::vector<Point2> pts = SampleArea(spec, set, seed, budget);
  if (pts.size() < target) {
    const double min_dist = 2 * spec.personal_radius_m;
    out.shortfall = budget.blocked_note + "the " + (set != nullptr ? "usable " : "") + "area (" +
                    Fmt(out.area_m2, 1) + " m²) fits only " + std::to_string(pts.size()) +
                    " people " + Fmt(min_dist) + " m apart (personal radius " +
                    Fmt(spec.personal_radius_m) + " m); asked " + std::to_string(target);
  } else {
    pts = Eliminate(std::move(pts), target, out.area_m2);
  }
  out.placements = PlaceOnArea(std::move(pts), spec, set, rng);
  return out;
}

Result<LayoutResult> LayoutSeats(const SeatsSpec& spec, uint64_t seed) {
  FIGURANT_RETURN_IF_ERROR(ValidateSeats(spec));
  FIGURANT_ASSIGN_OR_RETURN(const StandFrame frame, FrameOf(spec));
  FIGURANT_RETURN_IF_ERROR(CheckSeatTriangles(spec));
  LayoutResult out;
  const int64_t total = static_cast<int64_t>(spec.rows) * spec.seats_per_row;
  out.asked = static_cast<int>(std::llround(spec.fill * static_cast<double>(total)));
  Rng rng(seed);
  const std::vector<int32_t> seats = ChooseSeats(total, out.asked, rng);
  // Seats, and people sitting in them, are towards the back of the tread: a sitter's feet reach
  // forwards. People standing at a seat mesh stand in front of it; with neither seats nor
  // sitting, people stand at the middle of the tread.
  const double seat_setback = std::min(kMaxSeatSetbackM, kSeatSetbackShare * spec.row_depth_m);
  const double person_setback =
      spec.seated ? seat_setback : (spec.seat_geometry ? seat_setback - kStandInFrontOfSeatM : 0.0);
  if (spec.tiers) AddTiers(spec, frame, out.set_geometry);
  if (spec.seat_geometry) AddSeatMeshes(spec, frame, seat_setback, out.set_geometry);
  if (!out.set_geometry.positions.empty()) out.set_geometry.ComputeNormals();
  out.placements.reserve(seats.size());
  for (int32_t s : seats) {
    Placement pl;
    pl.position = SeatPosition(spec, frame, s, person_setback);
    pl.row = s / spec.seats_per_row;
    pl.seat = s % spec.seats_per_row;
    pl.seated = spec.seated;
    pl.heading_rad =
        HeadingFor(spec.heading, pl.position, {-frame.back.x, -frame.back.z}, rng.Uniform());
    out.placements.push_back(pl);
  }
  return out;
}

Result<LayoutResult> LayoutPath(const PathSpec& spec, uint64_t seed, const SetSurface* set) {
  FIGURANT_RETURN_IF_ERROR(ValidatePath(spec));
  const double length = PathLength(spec.points);
  if (!(length > 0)) return InvalidArgument("points: the path has zero length");
  const double asked = MostPeople(spec);
  if (!(asked <= kMaxPathAgents)) {
    return InvalidArgument("path group asks for " + Fmt(asked, 0) + " people (its length over " +
                           "its spacing); the limit is " + Fmt(kMaxPathAgents, 0));
  }
  LayoutResult out;
  out.asked = static_cast<int>(asked);
  Rng rng(seed);
  PathCursor cursor(spec.points);
  std::vector<Point2> placed;
  int set_blocked = 0;  // spots lost because no try had walkable, clear ground
  for (int i = 0; i < out.asked; ++i) {
    const double s_nominal = std::min(length, i * spec.spacing_m);
    const PathSpot spot = TryPathSpot(spec, set, length, s_nominal, cursor, placed, rng);
    if (spot.placed) {
      out.placements.push_back(*spot.placed);
    } else if (!spot.any_clear) {
      ++set_blocked;
    }
  }
  out.shortfall =
      PathShortfall(spec, out.asked - static_cast<int>(out.placements.size()), set_blocked);
  return out;
}

}  // namespace figurant::crowd
