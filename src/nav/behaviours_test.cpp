#include "nav/behaviours.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>

namespace figurant::nav {
namespace {

std::unique_ptr<NavMesh> Square() {
  NavInput in;
  in.AddGround(-15, -15, 15, 15, 0);
  auto mesh = NavMesh::Build(in, {0.35f, 1.9f, 0.25f, 40});
  EXPECT_TRUE(mesh.ok()) << mesh.status().ToString();
  return mesh.ok() ? std::move(mesh).value() : nullptr;
}

float Horizontal(geom::Vec3f a, geom::Vec3f b) { return std::hypot(a.x - b.x, a.z - b.z); }

// 30 wanderers in a 10 m square area for 20 s.
struct Wanderers {
  std::vector<Behaviour> behaviours;
  std::vector<MovingAgent> agents;
};

Wanderers MakeWanderers() {
  Wanderers w;
  Behaviour b;
  b.kind = Behaviour::Kind::kWander;
  b.wander.area = {{-5, -5}, {5, -5}, {5, 5}, {-5, 5}};
  b.wander.pause_min_s = 1;
  b.wander.pause_max_s = 3;
  w.behaviours.push_back(b);
  for (int i = 0; i < 30; ++i) {
    MovingAgent a;
    a.start = {-4.0f + 1.6f * static_cast<float>(i % 6), 0,
               -4.0f + 2.0f * static_cast<float>(i / 6)};
    a.radius = 0.3f;
    w.agents.push_back(a);
  }
  return w;
}

SimulationOptions Options(int frames, uint64_t seed) {
  SimulationOptions o;
  o.frames = frames;
  o.fps = 24;
  o.seed = seed;
  return o;
}

TEST(BehavioursTest, WanderersWalkAndPauseInsideTheirArea) {
  const auto mesh = Square();
  ASSERT_NE(mesh, nullptr);
  const Wanderers w = MakeWanderers();
  auto t = Simulate(*mesh, w.behaviours, w.agents, Options(20 * 24, 1));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->placements.size(), static_cast<size_t>(20 * 24 * 30));
  long outside = 0, paused = 0, moving = 0;
  double travelled = 0;
  for (int f = 0; f < t->frames; ++f) {
    for (int a = 0; a < t->agents; ++a) {
      const Placement& p = t->At(f, a);
      if (std::fabs(p.position.x) > 5.5f || std::fabs(p.position.z) > 5.5f) ++outside;
      (p.speed < 0.05f ? paused : moving) += 1;
      if (f > 0) travelled += Horizontal(p.position, t->At(f - 1, a).position);
      EXPECT_LE(p.speed, t->max_speed[static_cast<size_t>(a)] + 0.05f);
    }
  }
  const double frames = static_cast<double>(t->frames) * t->agents;
  std::cout << "outside " << outside << ", paused " << paused / frames << ", travelled "
            << travelled / t->agents << " m each\n";
  EXPECT_LE(outside / frames, 0.01) << "wanderers stay in their area (within half a metre)";
  EXPECT_GT(travelled / t->agents, 8) << "they walk";
  EXPECT_GT(paused / frames, 0.1) << "and pause";
  EXPECT_GT(moving / frames, 0.3);
  for (float s : t->max_speed) {
    EXPECT_GE(s, kSpeedMin);
    EXPECT_LE(s, kSpeedMax);
  }
}

// Companions: with every wanderer in a group, each walks beside its leader; without, the same
// would-be pairs (the nearest neighbours at the start) drift apart.
TEST(BehavioursTest, CompanionsWanderTogether) {
  const auto mesh = Square();
  ASSERT_NE(mesh, nullptr);
  Wanderers w = MakeWanderers();
  w.behaviours[0].companions = {1.0f, 3, 0.9f};
  auto together = Simulate(*mesh, w.behaviours, w.agents, Options(20 * 24, 1));
  ASSERT_TRUE(together.ok()) << together.status().ToString();
  const std::vector<int>& leader = together->companion_of;
  ASSERT_EQ(leader.size(), w.agents.size());
  int companions = 0, leaders = 0;
  std::vector<int> size(w.agents.size(), 1);
  for (size_t i = 0; i < leader.size(); ++i) {
    if (leader[i] < 0) continue;
    ++companions;
    ASSERT_LT(leader[static_cast<size_t>(leader[i])], 0) << "a leader follows no one";
    ++size[static_cast<size_t>(leader[i])];
    EXPECT_LE(Horizontal(w.agents[i].start, w.agents[static_cast<size_t>(leader[i])].start), 4.0f);
  }
  for (size_t i = 0; i < leader.size(); ++i) {
    if (leader[i] >= 0 || size[i] == 1) continue;
    ++leaders;
    EXPECT_LE(size[i], 3);
  }
  EXPECT_GE(companions + leaders, 26) << "most of the 30 walk in a group";
  w.behaviours[0].companions.share = 0;
  auto alone = Simulate(*mesh, w.behaviours, w.agents, Options(20 * 24, 1));
  ASSERT_TRUE(alone.ok());
  EXPECT_TRUE(alone->companion_of.empty() ||
              std::all_of(alone->companion_of.begin(), alone->companion_of.end(),
                          [](int l) { return l < 0; }));
  // Distance to the leader over the last 15 s (the groups have formed), and how far the same
  // pairs are apart when each wanders alone.
  const auto apart = [&](const Trajectories& t, std::vector<double>* all) {
    for (int f = 5 * 24; f < t.frames; ++f) {
      for (size_t i = 0; i < leader.size(); ++i) {
        if (leader[i] < 0) continue;
        all->push_back(
            Horizontal(t.At(f, static_cast<int>(i)).position, t.At(f, leader[i]).position));
      }
    }
    std::sort(all->begin(), all->end());
  };
  std::vector<double> with, without;
  apart(*together, &with);
  apart(*alone, &without);
  const double median_with = with[with.size() / 2], p90_with = with[with.size() * 9 / 10];
  const double median_without = without[without.size() / 2];
  std::cout << "companion to leader: median " << median_with << " m, 90th percentile " << p90_with
            << " m; the same pairs alone: median " << median_without << " m\n";
  RecordProperty("median_mm_together", static_cast<int>(median_with * 1000));
  RecordProperty("p90_mm_together", static_cast<int>(p90_with * 1000));
  RecordProperty("median_mm_alone", static_cast<int>(median_without * 1000));
  EXPECT_LT(median_with, 1.6) << "a companion walks beside its leader (0.9 or 1.8 m abreast)";
  EXPECT_LT(p90_with, 3.0);
  EXPECT_GT(median_without, 2 * median_with) << "alone, the same pairs drift apart";
  // Companions stay apart from each other like everyone else.
  for (int f = 0; f < together->frames; f += 12) {
    for (int a = 0; a < together->agents; ++a) {
      for (int b = a + 1; b < together->agents; ++b) {
        EXPECT_GT(Horizontal(together->At(f, a).position, together->At(f, b).position), 0.3f)
            << "frame " << f << ", agents " << a << " and " << b;
      }
    }
  }
}

TEST(BehavioursTest, TheSameSeedGivesTheSameCrowdAndAnotherSeedAnother) {
  const auto mesh = Square();
  ASSERT_NE(mesh, nullptr);
  const Wanderers w = MakeWanderers();
  auto a = Simulate(*mesh, w.behaviours, w.agents, Options(96, 5));
  auto b = Simulate(*mesh, w.behaviours, w.agents, Options(96, 5));
  auto c = Simulate(*mesh, w.behaviours, w.agents, Options(96, 6));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  bool same = true, differs = false;
  for (size_t i = 0; i < a->placements.size(); ++i) {
    same = same && a->placements[i].position == b->placements[i].position &&
           a->placements[i].heading_rad == b->placements[i].heading_rad;
    differs = differs || !(a->placements[i].position == c->placements[i].position);
  }
  EXPECT_TRUE(same);
  EXPECT_TRUE(differs);
}

// A stand empties towards 20 places 20 m away: everyone gets to one, at times spread over several
// seconds (their start delays and speeds), and faces about the way they walked.
TEST(BehavioursTest, GotoAgentsReachTheirPlacesAtSpreadTimes) {
  const auto mesh = Square();
  ASSERT_NE(mesh, nullptr);
  Behaviour go;
  go.kind = Behaviour::Kind::kGoTo;
  go.go_to.start_spread_s = 6;
  for (int i = 0; i < 20; ++i)
    go.go_to.targets.push_back({10, 0, -9.5f + 1.0f * static_cast<float>(i)});
  std::vector<MovingAgent> agents;
  for (int i = 0; i < 20; ++i) {
    MovingAgent a;
    a.start = {-10, 0, -9.5f + 1.0f * static_cast<float>(i)};
    agents.push_back(a);
  }
  auto t = Simulate(*mesh, std::vector<Behaviour>{go}, agents, Options(40 * 24, 3));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  std::vector<double> arrival;
  for (int a = 0; a < t->agents; ++a) {
    const Placement& last = t->At(t->frames - 1, a);
    EXPECT_NEAR(last.position.x, 10, 0.6) << "agent " << a;
    for (int f = 0; f < t->frames; ++f) {
      if (t->At(f, a).position.x > 9.4f) {
        arrival.push_back(f / 24.0);
        break;
      }
    }
    // Within 60° of +x (a heading that was never set would be 0: facing +z).
    EXPECT_GT(std::sin(last.heading_rad), 0.5)
        << "agent " << a << " faces +x, where it walked: " << last.heading_rad;
  }
  ASSERT_EQ(arrival.size(), 20u);
  double mean = 0, var = 0;
  for (double s : arrival) mean += s / 20;
  for (double s : arrival) var += (s - mean) * (s - mean) / 20;
  std::cout << "arrivals: mean " << mean << " s, deviation " << std::sqrt(var) << " s\n";
  EXPECT_GT(std::sqrt(var), 1.0) << "arrivals spread";
  EXPECT_GT(mean, 20 / kSpeedMax) << "nobody is faster than they can walk";
}

// A promenade: an L-shaped path 3 m wide walked both ways. Walkers keep to the path, spread across
// its width, go both ways, and turn back at its ends.
TEST(BehavioursTest, PathWalkersKeepToTheirLanesBothWays) {
  const auto mesh = Square();
  ASSERT_NE(mesh, nullptr);
  Behaviour b;
  b.kind = Behaviour::Kind::kPath;
  b.path.points = {{-12, -10}, {10, -10}, {10, 12}};
  b.path.width_m = 3;
  std::vector<MovingAgent> agents;
  for (int i = 0; i < 16; ++i) {
    MovingAgent a;
    a.start = {-11.0f + 1.3f * static_cast<float>(i), 0,
               -10.0f + 0.4f * static_cast<float>(i % 3 - 1)};
    agents.push_back(a);
  }
  auto t = Simulate(*mesh, std::vector<Behaviour>{b}, agents, Options(60 * 24, 4));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  // Distance to the path's centre line.
  const auto off_path = [](geom::Vec3f p) {
    const float along_first = std::fabs(p.z + 10) + std::max({0.0f, -12 - p.x, p.x - 10});
    const float along_second = std::fabs(p.x - 10) + std::max({0.0f, -10 - p.z, p.z - 12});
    return std::min(along_first, along_second);
  };
  long outside = 0, east = 0, west = 0;
  float widest = 0;
  for (int f = 0; f < t->frames; ++f) {
    for (int a = 0; a < t->agents; ++a) {
      const Placement& p = t->At(f, a);
      const float d = off_path(p.position);
      if (d > 1.5f + 0.5f) ++outside;
      if (f > 24) widest = std::max(widest, d);
      if (p.speed > 0.5f && std::fabs(p.position.z + 10) < 1.6f && p.position.x < 8) {
        (std::sin(p.heading_rad) > 0 ? east : west) += 1;
      }
    }
  }
  const double frames = static_cast<double>(t->frames) * t->agents;
  std::cout << "outside " << outside / frames << ", widest " << widest << " m, east " << east
            << ", west " << west << "\n";
  EXPECT_LE(outside / frames, 0.01) << "walkers keep to the path (within half a metre)";
  EXPECT_GT(widest, 0.8f) << "and spread across its width";
  EXPECT_GT(east, frames / 10);
  EXPECT_GT(west, frames / 10) << "both ways, and back at the ends";
}

TEST(BehavioursTest, WatchersFaceWhatTheyWatch) {
  const auto mesh = Square();
  ASSERT_NE(mesh, nullptr);
  Behaviour b;
  b.kind = Behaviour::Kind::kWatch;
  b.watch.point = {0, 1.5f, 10};
  std::vector<MovingAgent> agents;
  for (int i = 0; i < 10; ++i) {
    MovingAgent a;
    a.start = {-9.0f + 2.0f * static_cast<float>(i), 0, -5};
    agents.push_back(a);
  }
  auto t = Simulate(*mesh, std::vector<Behaviour>{b}, agents, Options(48, 1));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  for (int a = 0; a < t->agents; ++a) {
    const Placement& p = t->At(t->frames - 1, a);
    const float want = std::atan2(0 - p.position.x, 10 - p.position.z);
    EXPECT_NEAR(p.heading_rad, want, 1e-4) << a;
    EXPECT_LT(Horizontal(p.position, t->At(0, a).position), 0.05f) << "they stay put";
  }
  b.path.points.clear();
  b.kind = Behaviour::Kind::kPath;  // a path of no points
  EXPECT_EQ(Simulate(*mesh, std::vector<Behaviour>{b}, agents, Options(2, 1)).status().code(),
            StatusCode::kInvalidArgument);
}

// A ticket window at the origin, the line running back along -z, the exit 8 m to the side: ten
// people scattered 4 to 10 m away line up nearest first, keep their spacing, are served one at a
// time in that order, and gather at the exit.
TEST(BehavioursTest, AQueueFormsAdvancesAndKeepsItsOrder) {
  const auto mesh = Square();
  ASSERT_NE(mesh, nullptr);
  Behaviour b;
  b.kind = Behaviour::Kind::kQueue;
  b.queue.head = {0, 0, 0};
  b.queue.back = {0, -1};
  b.queue.spacing_m = 0.8f;
  b.queue.service_min_s = 2;
  b.queue.service_max_s = 4;
  b.queue.exit = {8, 0, 4};
  std::vector<MovingAgent> agents;
  std::vector<float> distance;
  for (int i = 0; i < 10; ++i) {
    const float angle = 2.4f * static_cast<float>(i);  // scattered round the window's back
    const float r = 4.0f + 0.6f * static_cast<float>((i * 7) % 10);
    MovingAgent a;
    a.start = {r * std::sin(angle), 0, -std::fabs(r * std::cos(angle)) - 1};
    agents.push_back(a);
    distance.push_back(std::hypot(a.start.x, a.start.z));
  }
  auto t = Simulate(*mesh, std::vector<Behaviour>{b}, agents, Options(90 * 24, 2));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  // The order they reach the head is the order of their distance to it.
  std::vector<std::pair<int, int>> reached;  // (frame, agent)
  for (int a = 0; a < t->agents; ++a) {
    for (int f = 0; f < t->frames; ++f) {
      if (std::hypot(t->At(f, a).position.x, t->At(f, a).position.z) < 0.4f) {
        reached.push_back({f, a});
        break;
      }
    }
  }
  ASSERT_EQ(reached.size(), 10u) << "everyone is served";
  std::sort(reached.begin(), reached.end());
  for (size_t k = 1; k < reached.size(); ++k) {
    EXPECT_LT(distance[static_cast<size_t>(reached[k - 1].second)],
              distance[static_cast<size_t>(reached[k].second)])
        << "served in the order they were nearest";
  }
  // While the line waits (the frame between 10 and 30 s with most people standing in it), those
  // in line stand on it at its spacing.
  std::vector<float> line;
  for (int frame = 10 * 24; frame < 30 * 24; ++frame) {
    std::vector<float> standing;
    for (int a = 0; a < t->agents; ++a) {
      const Placement& p = t->At(frame, a);
      if (std::fabs(p.position.x) < 0.5f && p.position.z < 0.5f && p.speed < 0.1f) {
        standing.push_back(p.position.z);
      }
    }
    if (standing.size() > line.size()) line = standing;
  }
  std::sort(line.begin(), line.end());
  ASSERT_GE(line.size(), 3u);
  float worst = 0;
  for (size_t k = 1; k < line.size(); ++k) {
    worst = std::max(worst, std::fabs(line[k] - line[k - 1] - 0.8f));
  }
  std::cout << line.size() << " standing in line, worst spacing error " << worst
            << " m; the last served at " << reached.back().first / 24.0 << " s\n";
  EXPECT_LT(worst, 0.3f);
  // Everyone ends at the exit, and nobody walks through anybody.
  for (int a = 0; a < t->agents; ++a) {
    EXPECT_LT(Horizontal(t->At(t->frames - 1, a).position, b.queue.exit), 3.0f) << a;
  }
}

// A car (radius 1 m) drives at 2 m/s through 40 people standing 1.2 m apart: they step aside so
// that it never touches anyone, and close up behind it.
TEST(BehavioursTest, ACrowdPartsForACarAndClosesBehindIt) {
  const auto mesh = Square();
  ASSERT_NE(mesh, nullptr);
  Behaviour b;
  b.kind = Behaviour::Kind::kPart;
  b.part.obstacle.points = {{-14, 0}, {14, 0}};
  b.part.obstacle.speed_mps = 2;
  b.part.obstacle.start_s = 1;
  b.part.obstacle.radius_m = 1;
  std::vector<MovingAgent> agents;
  for (int i = 0; i < 40; ++i) {
    MovingAgent a;
    a.start = {-5.4f + 1.2f * static_cast<float>(i % 10), 0,
               -1.8f + 1.2f * static_cast<float>(i / 10)};
    a.radius = 0.25f;
    agents.push_back(a);
  }
  auto t = Simulate(*mesh, std::vector<Behaviour>{b}, agents, Options(30 * 24, 8));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->obstacles.size(), 1u);
  ASSERT_EQ(t->obstacles[0].size(), static_cast<size_t>(t->frames));
  float closest = INFINITY;
  int passed_frame = -1;
  for (int f = 0; f < t->frames; ++f) {
    const geom::Vec3f car = t->obstacles[0][static_cast<size_t>(f)];
    if (passed_frame < 0 && car.x > 7.5f) passed_frame = f;  // past the crowd (its radius too)
    for (int a = 0; a < t->agents; ++a)
      closest = std::min(closest, Horizontal(car, t->At(f, a).position));
  }
  ASSERT_GT(passed_frame, 0) << "the car drives through";
  EXPECT_NEAR(t->obstacles[0].back().x, 14, 0.6) << "and on to its last point";
  // Closed up: the frame from which 90 % stand within 0.3 m of their places.
  int closed_frame = -1;
  for (int f = passed_frame; f < t->frames && closed_frame < 0; ++f) {
    int home = 0;
    for (int a = 0; a < t->agents; ++a)
      home += Horizontal(t->At(f, a).position, t->At(0, a).position) < 0.3f;
    if (home >= 36) closed_frame = f;
  }
  float moved_most = 0;
  for (int f = 0; f < passed_frame; ++f) {
    for (int a = 0; a < t->agents; ++a) {
      moved_most = std::max(moved_most, Horizontal(t->At(f, a).position, t->At(0, a).position));
    }
  }
  std::cout << "closest " << closest << " m, moved aside up to " << moved_most << " m, closed up "
            << (closed_frame - passed_frame) / 24.0 << " s after it passed\n";
  EXPECT_GE(closest, 1.0f + 0.25f - 0.1f) << "nobody is run over";
  EXPECT_GT(moved_most, 0.5f) << "people stepped aside";
  ASSERT_GE(closed_frame, 0) << "the crowd closes up behind the car";
  EXPECT_LT((closed_frame - passed_frame) / 24.0, 10.0);
}

TEST(BehavioursTest, BadBehavioursAreRefusedNamingThem) {
  const auto mesh = Square();
  ASSERT_NE(mesh, nullptr);
  Wanderers w = MakeWanderers();
  w.agents[3].behaviour = 2;
  auto r = Simulate(*mesh, w.behaviours, w.agents, Options(10, 1));
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("agent 3"), std::string::npos);
  w = MakeWanderers();
  w.behaviours[0].wander.area.pop_back();
  w.behaviours[0].wander.area.pop_back();
  EXPECT_EQ(Simulate(*mesh, w.behaviours, w.agents, Options(10, 1)).status().code(),
            StatusCode::kInvalidArgument);
  w = MakeWanderers();
  w.behaviours[0].wander.area = {{40, 40}, {50, 40}, {50, 50}};  // off the ground
  EXPECT_EQ(Simulate(*mesh, w.behaviours, w.agents, Options(10, 1)).status().code(),
            StatusCode::kInvalidArgument);
  w = MakeWanderers();
  w.behaviours[0].wander.pause_min_s = 5;  // above the maximum
  EXPECT_EQ(Simulate(*mesh, w.behaviours, w.agents, Options(10, 1)).status().code(),
            StatusCode::kInvalidArgument);
  Behaviour go;
  go.kind = Behaviour::Kind::kGoTo;
  EXPECT_EQ(Simulate(*mesh, std::vector<Behaviour>{go}, std::vector<MovingAgent>{MovingAgent{}},
                     Options(10, 1))
                .status()
                .code(),
            StatusCode::kInvalidArgument)
      << "no targets";
  go.go_to.targets = {{40, 0, 40}};
  EXPECT_EQ(Simulate(*mesh, std::vector<Behaviour>{go}, std::vector<MovingAgent>{MovingAgent{}},
                     Options(10, 1))
                .status()
                .code(),
            StatusCode::kNotFound)
      << "a target off the ground";
  EXPECT_EQ(Simulate(*mesh, w.behaviours, w.agents, Options(0, 1)).status().code(),
            StatusCode::kInvalidArgument);
  w = MakeWanderers();
  w.behaviours[0].companions.max_size = 9;
  auto big = Simulate(*mesh, w.behaviours, w.agents, Options(10, 1));
  EXPECT_EQ(big.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(big.status().message().find("behaviour 0: companions"), std::string::npos)
      << big.status().message();
  Behaviour watch;
  watch.kind = Behaviour::Kind::kWatch;
  watch.companions.share = 0.5f;
  EXPECT_EQ(Simulate(*mesh, std::vector<Behaviour>{watch}, std::vector<MovingAgent>{MovingAgent{}},
                     Options(10, 1))
                .status()
                .code(),
            StatusCode::kInvalidArgument)
      << "watchers do not walk with companions";
}

}  // namespace
}  // namespace figurant::nav
