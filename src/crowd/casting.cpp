#include "crowd/casting.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <tuple>
#include <unordered_map>

#include "core/random.h"

namespace figurant::crowd {
namespace {

constexpr int kBisectionSteps = 12;

// A uniform grid over 2D points (world x/z, or screen x/y) holding the agents added so far. When
// the extent is modest the cells are one flat array sized up front from every point that may be
// added (counting sort), each cell's agents stored contiguously with their coordinates, so a query
// reads a few short runs of memory; agents spread over kilometres with a small cell go in a hash
// map of cells instead.
class PointGrid {
 public:
  // Cells are radius / kSubdivisions wide; a query scans the cells within the radius, skipping the
  // corners that lie wholly outside it, which touches ~40 % fewer agents than 3 × 3 cells of the
  // radius itself.
  static constexpr int kSubdivisions = 3;

  PointGrid(double radius, const std::vector<double>& xs, const std::vector<double>& ys,
            const std::vector<bool>& present)
      : radius_(radius), inv_(radius > 0 ? kSubdivisions / radius : 0.0) {
    if (radius_ <= 0) return;
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < xs.size(); ++i) {
      if (!present[i]) continue;
      x0 = std::min(x0, xs[i]);
      y0 = std::min(y0, ys[i]);
      x1 = std::max(x1, xs[i]);
      y1 = std::max(y1, ys[i]);
    }
    if (!(x0 <= x1)) return;
    x0_ = x0;
    y0_ = y0;
    const double nx = std::floor((x1 - x0) * inv_) + 1, ny = std::floor((y1 - y0) * inv_) + 1;
    if (nx * ny <= 16.0 * static_cast<double>(xs.size()) + 1024) {
      nx_ = static_cast<int64_t>(nx);
      ny_ = static_cast<int64_t>(ny);
      start_.assign(static_cast<size_t>(nx_ * ny_) + 1, 0);
      for (size_t i = 0; i < xs.size(); ++i) {
        if (present[i]) ++start_[Cell(xs[i], ys[i]) + 1];
      }
      for (size_t c = 1; c < start_.size(); ++c) start_[c] += start_[c - 1];
      end_.assign(start_.begin(), start_.end() - 1);
      entries_.resize(start_.back());
    }
  }
  bool enabled() const { return radius_ > 0; }

  // Adds an agent; in the dense layout, only one whose `present` flag was set, at most once.
  void Add(double x, double y, int32_t agent) {
    if (!start_.empty()) {
      entries_[end_[Cell(x, y)]++] = {x, y, agent};
    } else {
      map_[Key(CellX(x), CellY(y))].push_back({x, y, agent});
    }
  }

  // Calls fn(agent, squared distance) for every stored agent closer than the radius to (x, y).
  template <typename Fn>
  void ForNear(double x, double y, Fn&& fn) const {
    const int64_t cx = CellX(x), cy = CellY(y);
    const double r2 = radius_ * radius_;
    auto visit = [&](const Entry* e, const Entry* end) {
      for (; e != end; ++e) {
        const double dx = e->x - x, dy = e->y - y;
        const double d2 = dx * dx + dy * dy;
        if (d2 < r2) fn(e->agent, d2);
      }
    };
    constexpr int64_t k = kSubdivisions;
    for (int64_t oy = -k; oy <= k; ++oy) {
      const int64_t gy = cy + oy;
      if (!start_.empty() && (gy < 0 || gy >= ny_)) continue;
      for (int64_t ox = -k; ox <= k; ++ox) {
        // Skip cells whose nearest point is beyond the radius (their gap to the query cell is at
        // least (|o| - 1) cells along each axis).
        const int64_t gx_gap = std::max<int64_t>(0, std::abs(ox) - 1);
        const int64_t gy_gap = std::max<int64_t>(0, std::abs(oy) - 1);
        if (gx_gap * gx_gap + gy_gap * gy_gap >= k * k) continue;
        const int64_t gx = cx + ox;
        if (!start_.empty()) {
          if (gx < 0 || gx >= nx_) continue;
          const auto c = static_cast<size_t>(gy * nx_ + gx);
          visit(entries_.data() + start_[c], entries_.data() + end_[c]);
        } else {
          const auto it = map_.find(Key(gx, gy));
          if (it == map_.end()) continue;
          visit(it->second.data(), it->second.data() + it->second.size());
        }
      }
    }
  }

 private:
  struct Entry {
    double x, y;
    int32_t agent;
  };
  int64_t CellX(double v) const { return static_cast<int64_t>(std::floor((v - x0_) * inv_)); }
  int64_t CellY(double v) const { return static_cast<int64_t>(std::floor((v - y0_) * inv_)); }
  size_t Cell(double x, double y) const { return static_cast<size_t>(CellY(y) * nx_ + CellX(x)); }
  static uint64_t Key(int64_t cx, int64_t cy) {
    return Rng::Mix(static_cast<uint64_t>(cx) * 0xc2b2ae3d27d4eb4fULL ^
                    static_cast<uint64_t>(cy) * 0x165667b19e3779f9ULL);
  }
  double radius_, inv_;
  double x0_ = 0, y0_ = 0;
  int64_t nx_ = 0, ny_ = 0;
  std::vector<uint32_t> start_;  // dense: cell c's agents are entries_[start_[c], end_[c])
  std::vector<uint32_t> end_;
  std::vector<Entry> entries_;
  std::unordered_map<uint64_t, std::vector<Entry>> map_;
};

// Doubles of one pool kept sorted by use count in O(1) per increment (bucket array, as in
// k-core decomposition): order[start[c] .. start[c+1]) holds the doubles used c times.
class CountBuckets {
 public:
  CountBuckets(const std::vector<int>& doubles, int double_count)
      : order_(doubles), pos_(static_cast<size_t>(double_count), 0) {
    for (size_t i = 0; i < order_.size(); ++i) pos_[static_cast<size_t>(order_[i])] = i;
    start_ = {0, order_.size()};
  }
  size_t size() const { return order_.size(); }
  int At(size_t i) const { return order_[i]; }
  // Index range of the least-used bucket.
  // Counts only grow, so the least-used bucket index only moves forward.
  size_t FirstBucketEnd() {
    while (min_ + 2 < start_.size() && start_[min_ + 1] == start_[min_]) ++min_;
    return min_ + 1 < start_.size() ? start_[min_ + 1] : order_.size();
  }
  void Increment(int dbl, int old_count) {
    const auto c = static_cast<size_t>(old_count);
    if (start_.size() < c + 3) start_.resize(c + 3, order_.size());
    // Swap `dbl` with the last member of bucket c, then shrink bucket c by one.
    const size_t last = start_[c + 1] - 1;
    const size_t p = pos_[static_cast<size_t>(dbl)];
    std::swap(order_[p], order_[last]);
    pos_[static_cast<size_t>(order_[p])] = p;
    pos_[static_cast<size_t>(order_[last])] = last;
    start_[c + 1] = last;
  }

 private:
  std::vector<int> order_;
  std::vector<size_t> pos_;    // double → index in order_
  std::vector<size_t> start_;  // start_[c] = first index of bucket c; last entry = size
  size_t min_ = 0;
};

// What one casting pass works on: the agents, the doubles each pool may show and the minimums
// (metres in the set, fraction of frame width on screen; 0: not asked).
struct CastProblem {
  const std::vector<CastAgent>& agents;  // `moments` snapshots of the same agents
  const std::vector<std::vector<int>>& pools;
  int double_count = 0;
  double dw = 0, ds = 0;
  uint64_t seed = 0;
  int moments = 1;
  size_t size() const { return agents.size() / static_cast<size_t>(moments); }  // agents cast
};

// Agents' coordinates as the grids take them: world x/z, and screen x/y of those in frame.
struct AgentPoints {
  std::vector<double> wx, wz, sx, sy;
  std::vector<bool> all, on_screen;
};

// The points of snapshot `moment` of `moments` (CastOptions::moments).
AgentPoints PointsOf(const std::vector<CastAgent>& all, int moments, int moment) {
  const size_t n = all.size() / static_cast<size_t>(moments);
  const std::span<const CastAgent> agents(all.data() + n * static_cast<size_t>(moment), n);
  AgentPoints p{std::vector<double>(n), std::vector<double>(n),     std::vector<double>(n),
                std::vector<double>(n), std::vector<bool>(n, true), std::vector<bool>(n, false)};
  for (size_t i = 0; i < n; ++i) {
    p.wx[i] = agents[i].position.x;
    p.wz[i] = agents[i].position.z;
    if (agents[i].screen) {
      p.sx[i] = agents[i].screen->x;
      p.sy[i] = agents[i].screen->y;
      p.on_screen[i] = true;
    }
  }
  return p;
}

// The neighbourhoods the two minimums define: agents within `dw` in the set, and within `ds` on
// screen (both in frame). A grid whose minimum is 0 is disabled.
struct CloneGrids {
  CloneGrids(const AgentPoints& p, double dw, double ds)
      : world(dw, p.wx, p.wz, p.all), screen(ds, p.sx, p.sy, p.on_screen) {}
  void Add(const AgentPoints& p, int32_t i) {
    const auto k = static_cast<size_t>(i);
    if (world.enabled()) world.Add(p.wx[k], p.wz[k], i);
    if (screen.enabled() && p.on_screen[k]) screen.Add(p.sx[k], p.sy[k], i);
  }
  PointGrid world, screen;
};

// One snapshot's points and grids.
struct Moment {
  Moment(const CastProblem& problem, int k, double dw, double ds)
      : points(PointsOf(problem.agents, problem.moments, k)), grids(points, dw, ds) {}
  AgentPoints points;
  CloneGrids grids;
};

std::vector<Moment> MomentsOf(const CastProblem& problem, double dw, double ds) {
  std::vector<Moment> out;
  out.reserve(static_cast<size_t>(problem.moments));
  for (int k = 0; k < problem.moments; ++k) out.emplace_back(problem, k, dw, ds);
  return out;
}

// Agents in scanline order: by z, then x.
std::vector<int32_t> ScanlineOrder(const AgentPoints& p) {
  std::vector<int32_t> order(p.wx.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int32_t>(i);
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    const auto i = static_cast<size_t>(a), j = static_cast<size_t>(b);
    return p.wz[i] != p.wz[j] ? p.wz[i] < p.wz[j] : p.wx[i] < p.wx[j];
  });
  return order;
}

// How often each double is used, and each pool's doubles kept ordered by use.
class PoolUse {
 public:
  PoolUse(const std::vector<std::vector<int>>& pools, int double_count)
      : counts_(static_cast<size_t>(double_count), 0),
        pools_of_(static_cast<size_t>(double_count)) {
    for (size_t p = 0; p < pools.size(); ++p) {
      buckets_.emplace_back(pools[p], double_count);
      for (int d : pools[p]) pools_of_[static_cast<size_t>(d)].push_back(static_cast<int>(p));
    }
  }
  CountBuckets& Pool(int p) { return buckets_[static_cast<size_t>(p)]; }
  void Use(int d) {
    const int old = counts_[static_cast<size_t>(d)]++;
    for (int p : pools_of_[static_cast<size_t>(d)])
      buckets_[static_cast<size_t>(p)].Increment(d, old);
  }

 private:
  std::vector<int> counts_;
  std::vector<CountBuckets> buckets_;
  std::vector<std::vector<int>> pools_of_;  // double → the pools listing it
};

// For the agent being cast, the doubles its cast neighbours show within the minimums, each with
// its nearest such neighbour's squared distance relative to the squared minimum (1 = at the
// minimum). Entries are stamped with the agent, so nothing is cleared between agents.
class NearbyClones {
 public:
  NearbyClones(int double_count, double dw, double ds)
      : inv_dw2_(dw > 0 ? 1.0 / (dw * dw) : 0.0),
        inv_ds2_(ds > 0 ? 1.0 / (ds * ds) : 0.0),
        nearest_(static_cast<size_t>(double_count), 0.0),
        stamp_(static_cast<size_t>(double_count), -1) {}

  void Gather(const CloneGrids& grids, const AgentPoints& p, int32_t a,
              const std::vector<int>& assignment) {
    const auto ai = static_cast<size_t>(a);
    auto note = [&](int32_t j, double relative) {
      const auto d = static_cast<size_t>(assignment[static_cast<size_t>(j)]);
      if (stamp_[d] != a) {
        stamp_[d] = a;
        nearest_[d] = relative;
      } else {
        nearest_[d] = std::min(nearest_[d], relative);
      }
    };
    if (grids.world.enabled()) {
      grids.world.ForNear(p.wx[ai], p.wz[ai],
                          [&](int32_t j, double d2) { note(j, d2 * inv_dw2_); });
    }
    if (grids.screen.enabled() && p.on_screen[ai]) {
      grids.screen.ForNear(p.sx[ai], p.sy[ai],
                           [&](int32_t j, double d2) { note(j, d2 * inv_ds2_); });
    }
  }
  bool Near(int d, int32_t a) const { return stamp_[static_cast<size_t>(d)] == a; }
  double Relative(int d) const { return nearest_[static_cast<size_t>(d)]; }

 private:
  double inv_dw2_, inv_ds2_;
  std::vector<double> nearest_;
  std::vector<int32_t> stamp_;
};

struct Choice {
  int double_index = -1;
  bool violates = false;  // every double of the pool is shown nearby
};

// The least-used double of the pool that no neighbour shows nearby (random among the least used);
// failing that, the one whose nearest clone is farthest relative to the minimums.
Choice ChooseDouble(CountBuckets& pool, const NearbyClones& near, int32_t a, Rng& rng) {
  const size_t m = pool.size();
  const size_t first_end = pool.FirstBucketEnd();
  const size_t offset = first_end > 0 ? rng.Below(first_end) : 0;
  int farthest = -1;
  double farthest_rel = -1;
  for (size_t k = 0; k < m; ++k) {
    const size_t idx = k < first_end ? (offset + k) % first_end : k;
    const int d = pool.At(idx);
    if (!near.Near(d, a)) return {d, false};
    if (near.Relative(d) > farthest_rel) {
      farthest_rel = near.Relative(d);
      farthest = d;
    }
  }
  return {farthest, true};
}

struct GreedyOutcome {
  std::vector<int> assignment;
  int violations = 0;  // agents for which no double honoured the distances
};

// One casting pass at minimums `dw` and `ds`. Agents are visited in scanline order: when an agent
// is cast, only about half of its neighbourhood has been cast already, so a free double is found
// far more often than in random order (first-fit colouring of a graph whose back-degree is
// halved). Each agent takes ChooseDouble's pick.
GreedyOutcome Greedy(const CastProblem& problem, double dw, double ds) {
  std::vector<Moment> moments = MomentsOf(problem, dw, ds);
  PoolUse use(problem.pools, problem.double_count);
  NearbyClones near(problem.double_count, dw, ds);
  Rng rng(problem.seed);
  GreedyOutcome out;
  out.assignment.assign(problem.size(), -1);
  for (int32_t a : ScanlineOrder(moments[0].points)) {
    const auto ai = static_cast<size_t>(a);
    for (const Moment& m : moments) near.Gather(m.grids, m.points, a, out.assignment);
    const Choice c = ChooseDouble(use.Pool(problem.agents[ai].pool), near, a, rng);
    if (c.violates) ++out.violations;
    out.assignment[ai] = c.double_index;
    for (Moment& m : moments) m.grids.Add(m.points, a);
    use.Use(c.double_index);
  }
  return out;
}

// The least and most uses among a pool's doubles.
std::pair<int, int> UseRange(const std::vector<int>& pool, const std::vector<int>& counts) {
  int lo = INT32_MAX, hi = 0;
  for (int d : pool) {
    lo = std::min(lo, counts[static_cast<size_t>(d)]);
    hi = std::max(hi, counts[static_cast<size_t>(d)]);
  }
  return {lo, hi};
}

// Evens out use after a pass: an agent of a most-used double moves to a least-used double of its
// pool whenever no agent within the minimums shows that double. Stops when the most- and
// least-used differ by at most one, or when no move is possible (the constraints force it).
void Rebalance(const CastProblem& problem, std::vector<int>& assignment) {
  const std::vector<CastAgent>& agents = problem.agents;
  std::vector<Moment> moments = MomentsOf(problem, problem.dw, problem.ds);
  for (Moment& m : moments) {
    for (size_t i = 0; i < problem.size(); ++i) m.grids.Add(m.points, static_cast<int32_t>(i));
  }
  std::vector<int> counts(static_cast<size_t>(problem.double_count), 0);
  for (int d : assignment) ++counts[static_cast<size_t>(d)];
  auto clashes = [&](size_t i, int d) {
    bool clash = false;
    auto check = [&](int32_t j, double) {
      if (static_cast<size_t>(j) != i && assignment[static_cast<size_t>(j)] == d) clash = true;
    };
    for (const Moment& m : moments) {
      const CloneGrids& grids = m.grids;
      const AgentPoints& points = m.points;
      if (!clash && grids.world.enabled()) grids.world.ForNear(points.wx[i], points.wz[i], check);
      if (!clash && grids.screen.enabled() && points.on_screen[i]) {
        grids.screen.ForNear(points.sx[i], points.sy[i], check);
      }
    }
    return clash;
  };
  constexpr int kMaxRounds = 8;
  for (int round = 0; round < kMaxRounds; ++round) {
    bool moved = false;
    for (const std::vector<int>& pool : problem.pools) {
      if (pool.size() < 2) continue;
      auto [lo, hi] = UseRange(pool, counts);
      if (hi - lo <= 1) continue;
      for (size_t i = 0; i < problem.size(); ++i) {
        const int from = assignment[i];
        if (counts[static_cast<size_t>(from)] < hi ||
            &problem.pools[static_cast<size_t>(agents[i].pool)] != &pool)
          continue;
        for (int to : pool) {
          if (counts[static_cast<size_t>(to)] != lo || clashes(i, to)) continue;
          assignment[i] = to;
          --counts[static_cast<size_t>(from)];
          ++counts[static_cast<size_t>(to)];
          moved = true;
          break;
        }
        std::tie(lo, hi) = UseRange(pool, counts);
        if (hi - lo <= 1) break;
      }
    }
    if (!moved) break;
  }
}

// Closest pair among points (Shamos–Hoare sweep). Coordinates are first rotated by an irrational
// angle so that rows and columns of seats do not line up with the sweep axis.
double ClosestPair(std::vector<std::pair<double, double>> pts) {
  if (pts.size() < 2) return INFINITY;
  const double c = std::cos(0.5719), s = std::sin(0.5719);
  for (auto& [x, y] : pts) {
    const double rx = c * x - s * y, ry = s * x + c * y;
    x = rx;
    y = ry;
  }
  std::sort(pts.begin(), pts.end());
  double best2 = INFINITY;  // squared
  for (size_t i = 1; i < pts.size(); ++i) {
    for (size_t j = i; j-- > 0;) {
      const double dx = pts[i].first - pts[j].first;
      if (dx * dx >= best2) break;
      const double dy = pts[i].second - pts[j].second;
      best2 = std::min(best2, dx * dx + dy * dy);
    }
  }
  return std::sqrt(best2);
}

std::string Fmt(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// How well an assignment honours the minimums.
struct Achieved {
  double world_min_m = INFINITY;          // smallest same-double distance in the set
  double screen_min_fraction = INFINITY;  // smallest on screen (both in frame)
  // The smaller of the two ratios achieved / asked: >= 1 means every pair is far enough.
  double score = INFINITY;
  // The product of the two ratios, each capped at 1: how far clones are spread in the world and
  // on screen together.
  double both = 1;
};

Achieved Score(const CastProblem& problem, const std::vector<int>& assignment) {
  Achieved a;
  for (const CloneStats& s :
       CloneReport(problem.agents, assignment, problem.double_count, problem.moments)) {
    a.world_min_m = std::min(a.world_min_m, s.world_min_m);
    a.screen_min_fraction = std::min(a.screen_min_fraction, s.screen_min_fraction);
  }
  const double dw = problem.dw, ds = problem.ds;
  a.score = std::min(dw > 0 ? a.world_min_m / dw : INFINITY,
                     ds > 0 ? a.screen_min_fraction / ds : INFINITY);
  a.both = std::min(1.0, dw > 0 ? a.world_min_m / dw : 1.0) *
           std::min(1.0, ds > 0 ? a.screen_min_fraction / ds : 1.0);
  return a;
}

struct Candidate {
  std::vector<int> assignment;
  Achieved achieved;
};

// When the minimums cannot both be met: spreads clones as far as possible in the world and on
// screen together, keeping the candidate with the largest Achieved::both (the worst ratio alone
// would let one binding minimum, typically the screen one on a far stand, leave the other at
// whatever came, with agents just out of frame beside their clone). Candidates: bisections of a
// common scale of both minimums, of the world minimum alone and of the screen minimum alone.
Candidate SpreadClones(const CastProblem& problem, Candidate best) {
  const double dw = problem.dw, ds = problem.ds;
  for (const auto& [kw, ks] : {std::pair{1.0, 1.0}, {1.0, 0.0}, {0.0, 1.0}}) {
    // With one minimum not asked for, the common scale is the only candidate.
    if ((kw == 0 || ks == 0) && (dw <= 0 || ds <= 0)) continue;
    double lo = 0, hi = 1;
    for (int step = 0; step < kBisectionSteps; ++step) {
      const double mid = 0.5 * (lo + hi);
      GreedyOutcome t = Greedy(problem, dw * kw * mid, ds * ks * mid);
      (t.violations == 0 ? lo : hi) = mid;
      const Achieved a = Score(problem, t.assignment);
      if (a.both > best.achieved.both) best = {std::move(t.assignment), a};
    }
  }
  return best;
}

Status CheckCastInput(const std::vector<CastAgent>& agents,
                      const std::vector<std::vector<int>>& pools, int double_count,
                      const CastOptions& options) {
  if (!(options.min_world_m >= 0) || !(options.min_screen_fraction >= 0)) {
    return InvalidArgument("clone distances must be >= 0");
  }
  if (options.moments < 1 || agents.size() % static_cast<size_t>(options.moments) != 0) {
    return InvalidArgument("moments must be >= 1 and divide the " + std::to_string(agents.size()) +
                           " agents, got " + std::to_string(options.moments));
  }
  std::vector<bool> pool_used(pools.size(), false);
  for (const CastAgent& a :
       std::span(agents.data(), agents.size() / static_cast<size_t>(options.moments))) {
    if (a.pool < 0 || static_cast<size_t>(a.pool) >= pools.size()) {
      return InvalidArgument("agent refers to pool " + std::to_string(a.pool) + " of " +
                             std::to_string(pools.size()));
    }
    pool_used[static_cast<size_t>(a.pool)] = true;
  }
  for (size_t p = 0; p < pools.size(); ++p) {
    if (pool_used[p] && pools[p].empty()) {
      return FailedPrecondition("no licensed double is eligible for pool " + std::to_string(p));
    }
    for (int d : pools[p]) {
      if (d < 0 || d >= double_count) return InvalidArgument("pool lists a double out of range");
    }
  }
  return Status::Ok();
}

// Why casting refuses, in the library's terms (a command-line tool may add its own flag).
Status CannotCast(const CastProblem& problem, const CastResult& result) {
  size_t eligible = 0;
  for (const auto& p : problem.pools) eligible = std::max(eligible, p.size());
  return FailedPrecondition(
      "cannot cast " + std::to_string(problem.size()) + " agents from " + std::to_string(eligible) +
      " eligible doubles without visible clones: asked for " + Fmt(problem.dw) +
      " m in the set and " + Fmt(problem.ds) +
      " of frame width on screen between two agents of one double; achievable: " +
      Fmt(result.world_min_m) + " m and " + Fmt(result.screen_min_fraction) +
      " (license more doubles, lower the minimums, or allow clones: cast anyway with the largest "
      "distances achievable)");
}

}  // namespace

std::vector<CloneStats> CloneReport(const std::vector<CastAgent>& agents,
                                    const std::vector<int>& assignment, int double_count,
                                    int moments) {
  const size_t n = assignment.size();
  std::vector<CloneStats> out(static_cast<size_t>(double_count));
  for (size_t d = 0; d < out.size(); ++d) out[d].double_index = static_cast<int>(d);
  for (int d : assignment) ++out[static_cast<size_t>(d)].agents;
  for (int k = 0; k < moments; ++k) {
    std::vector<std::vector<std::pair<double, double>>> world(static_cast<size_t>(double_count)),
        screen(static_cast<size_t>(double_count));
    for (size_t i = 0; i < n; ++i) {
      const auto d = static_cast<size_t>(assignment[i]);
      const CastAgent& a = agents[static_cast<size_t>(k) * n + i];
      world[d].emplace_back(a.position.x, a.position.z);
      if (a.screen) screen[d].emplace_back(a.screen->x, a.screen->y);
    }
    tbb::parallel_for(size_t{0}, out.size(), [&](size_t d) {
      CloneStats& s = out[d];
      s.world_min_m = std::min(s.world_min_m, ClosestPair(std::move(world[d])));
      s.screen_min_fraction = std::min(s.screen_min_fraction, ClosestPair(std::move(screen[d])));
    });
  }
  return out;
}

Result<CastResult> Cast(const std::vector<CastAgent>& agents,
                        const std::vector<std::vector<int>>& pools, int double_count,
                        const CastOptions& options) {
  FIGURANT_RETURN_IF_ERROR(CheckCastInput(agents, pools, double_count, options));
  const CastProblem problem{
      agents,       pools,          double_count, options.min_world_m, options.min_screen_fraction,
      options.seed, options.moments};
  // Float positions carry ~1e-7 relative error; a pair exactly at the minimum counts as honoured.
  constexpr double kTolerance = 1e-6;

  Candidate best{Greedy(problem, problem.dw, problem.ds).assignment, {}};
  best.achieved = Score(problem, best.assignment);
  if (best.achieved.score < 1 - kTolerance) best = SpreadClones(problem, std::move(best));
  if (best.achieved.score >= 1 - kTolerance) {
    Rebalance(problem, best.assignment);
    best.achieved = Score(problem, best.assignment);
  }
  CastResult result;
  result.assignment = std::move(best.assignment);
  result.world_min_m = best.achieved.world_min_m;
  result.screen_min_fraction = best.achieved.screen_min_fraction;
  result.scale = std::min(1.0, best.achieved.score);
  result.constraints_met = best.achieved.score >= 1 - kTolerance;
  if (!result.constraints_met && !options.allow_clones) return CannotCast(problem, result);
  return result;
}

}  // namespace figurant::crowd
