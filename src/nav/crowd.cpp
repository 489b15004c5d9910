#include "nav/crowd.h"

#include <DetourCrowd.h>
#include <DetourNavMeshQuery.h>

#include <cmath>
#include <string>

namespace figurant::nav {
namespace {

bool Within(float v, float lo, float hi) { return std::isfinite(v) && v >= lo && v <= hi; }

Status CheckSpec(const CrowdAgentSpec& a, int i, const AgentShape& mesh) {
  const float max_radius = a.obstacle ? kMaxObstacleRadius : mesh.radius;
  if (!Within(a.radius, 0.05f, max_radius) || !Within(a.height, 0.5f, 3) ||
      !Within(a.max_speed, 0, a.obstacle ? 45.0f : 10.0f) ||
      !Within(a.max_acceleration, 0.1f, 50) || !Within(a.separation_weight, 0, 20)) {
    return InvalidArgument("crowd agent " + std::to_string(i) + ": expected radius 0.05 m.." +
                           std::to_string(max_radius) +
                           " m (the mesh's agent radius, or 5 m for an obstacle), height 0.5..3 m, "
                           "max_speed 0..10 m/s, max_acceleration "
                           "0.1..50 m/s², separation_weight 0..20");
  }
  return Status::Ok();
}

dtCrowdAgentParams ParamsFor(const CrowdAgentSpec& a) {
  dtCrowdAgentParams p{};
  p.radius = a.radius;
  p.height = a.height;
  p.maxAcceleration = a.max_acceleration;
  p.maxSpeed = a.max_speed;
  // Detour's guidance: look for neighbours within 12 radii and shortcut the path within 30.
  p.collisionQueryRange = 12 * a.radius;
  p.pathOptimizationRange = 30 * a.radius;
  p.separationWeight = a.separation_weight;
  p.updateFlags = DT_CROWD_ANTICIPATE_TURNS | DT_CROWD_OBSTACLE_AVOIDANCE | DT_CROWD_SEPARATION |
                  DT_CROWD_OPTIMIZE_VIS | DT_CROWD_OPTIMIZE_TOPO;
  p.obstacleAvoidanceType = 0;
  p.queryFilterType = 0;
  if (a.obstacle) {
    // It goes where it is told: no avoidance, no separation, no path of its own.
    p.updateFlags = 0;
    p.separationWeight = 0;
  }
  return p;
}

}  // namespace

void Crowd::Free::operator()(dtCrowd* c) const { dtFreeCrowd(c); }

Crowd::Crowd(const NavMesh& mesh, int size)
    : mesh_(mesh), crowd_(dtAllocCrowd()), size_(size), goals_(static_cast<size_t>(size)) {}
Crowd::~Crowd() = default;

Result<std::unique_ptr<Crowd>> Crowd::Create(const NavMesh& mesh,
                                             std::span<const CrowdAgentSpec> agents) {
  if (agents.size() > static_cast<size_t>(kMaxCrowdAgents)) {
    return InvalidArgument("crowd: " + std::to_string(agents.size()) +
                           " agents, over the limit of " + std::to_string(kMaxCrowdAgents));
  }
  const int n = static_cast<int>(agents.size());
  for (int i = 0; i < n; ++i) {
    FIGURANT_RETURN_IF_ERROR(CheckSpec(agents[static_cast<size_t>(i)], i, mesh.shape()));
  }
  std::unique_ptr<Crowd> crowd(new Crowd(mesh, n));
  float widest = mesh.shape().radius;
  for (const CrowdAgentSpec& a : agents) widest = std::max(widest, a.radius);
  if (!crowd->crowd_ || !crowd->crowd_->init(std::max(n, 1), widest, mesh.detour())) {
    return Internal("Detour cannot make a crowd of " + std::to_string(n) + " agents");
  }
  for (int i = 0; i < n; ++i) {
    const CrowdAgentSpec& a = agents[static_cast<size_t>(i)];
    auto start = mesh.Nearest(a.start);
    if (!start.ok()) {
      return NotFound("crowd agent " + std::to_string(i) + ": " + start.status().message());
    }
    const dtCrowdAgentParams params = ParamsFor(a);
    if (crowd->crowd_->addAgent(&start->x, &params) != i) {
      return Internal("Detour cannot add crowd agent " + std::to_string(i));
    }
    crowd->goals_[static_cast<size_t>(i)].separation_weight = a.separation_weight;
    crowd->goals_[static_cast<size_t>(i)].obstacle = a.obstacle;
  }
  return crowd;
}

Status Crowd::SetTarget(int i, const geom::Vec3f& target, bool hold_on_arrival) {
  if (i >= 0 && i < size_ && goals_[static_cast<size_t>(i)].obstacle) {
    return InvalidArgument("crowd agent " + std::to_string(i) + " is an obstacle: SetVelocity");
  }
  if (i < 0 || i >= size_)
    return InvalidArgument("crowd agent " + std::to_string(i) + ": no such agent");
  const dtNavMeshQuery* query = crowd_->getNavMeshQuery();
  dtPolyRef ref = 0;
  geom::Vec3f on;
  const dtStatus s = query->findNearestPoly(&target.x, crowd_->getQueryHalfExtents(),
                                            crowd_->getFilter(0), &ref, &on.x);
  if (dtStatusFailed(s) || ref == 0) {
    return NotFound("crowd agent " + std::to_string(i) + ": its target is off the walkable ground");
  }
  if (!crowd_->requestMoveTarget(i, ref, &on.x)) {
    return Internal("Detour refuses the target of crowd agent " + std::to_string(i));
  }
  Goal& g = goals_[static_cast<size_t>(i)];
  if (!g.moving) {
    dtCrowdAgentParams p = crowd_->getAgent(i)->params;
    p.separationWeight = g.separation_weight;
    crowd_->updateAgentParameters(i, &p);
  }
  g.moving = true;
  g.arrived = false;
  g.hold_on_arrival = hold_on_arrival;
  g.target = on;
  return Status::Ok();
}

void Crowd::Hold(int i) {
  crowd_->resetMoveTarget(i);
  dtCrowdAgentParams p = crowd_->getAgent(i)->params;
  p.separationWeight = 0;
  crowd_->updateAgentParameters(i, &p);
  goals_[static_cast<size_t>(i)].moving = false;
}

Status Crowd::SetVelocity(int i, const geom::Vec3f& velocity) {
  if (i < 0 || i >= size_ || !goals_[static_cast<size_t>(i)].obstacle) {
    return InvalidArgument("crowd agent " + std::to_string(i) + ": not an obstacle");
  }
  if (!std::isfinite(velocity.x) || !std::isfinite(velocity.z)) {
    return InvalidArgument("crowd obstacle " + std::to_string(i) +
                           ": a velocity that is not finite");
  }
  const float v[3] = {velocity.x, 0, velocity.z};
  if (!crowd_->requestMoveVelocity(i, v)) {
    return Internal("Detour refuses the velocity of crowd obstacle " + std::to_string(i));
  }
  return Status::Ok();
}

Status Crowd::Stop(int i) {
  if (i < 0 || i >= size_)
    return InvalidArgument("crowd agent " + std::to_string(i) + ": no such agent");
  Hold(i);
  goals_[static_cast<size_t>(i)].arrived = false;
  return Status::Ok();
}

Status Crowd::Step(float dt) {
  if (!(dt > 0 && dt <= 0.5f)) {
    return InvalidArgument("crowd step of " + std::to_string(dt) + " s: expected (0, 0.5] s");
  }
  for (int i = 0; i < size_; ++i) {
    const Goal& g = goals_[static_cast<size_t>(i)];
    if (!g.moving) continue;
    const float* p = crowd_->getAgent(i)->npos;
    const float d = std::hypot(p[0] - g.target.x, p[2] - g.target.z);
    dtCrowdAgentParams params = crowd_->getAgent(i)->params;
    params.separationWeight = g.separation_weight * std::min(1.0f, d / kSeparationFade);
    crowd_->updateAgentParameters(i, &params);
  }
  crowd_->update(dt, nullptr);
  for (int i = 0; i < size_; ++i) {
    Goal& g = goals_[static_cast<size_t>(i)];
    const float* p = crowd_->getAgent(i)->npos;
    if (g.moving && g.hold_on_arrival &&
        std::hypot(p[0] - g.target.x, p[2] - g.target.z) < kArrivalRadius) {
      Hold(i);
      g.arrived = true;
    }
  }
  return Status::Ok();
}

bool Crowd::Arrived(int i) const { return goals_.at(static_cast<size_t>(i)).arrived; }

int Crowd::size() const { return size_; }

geom::Vec3f Crowd::Position(int i) const {
  const float* p = crowd_->getAgent(i)->npos;
  return {p[0], p[1], p[2]};
}

geom::Vec3f Crowd::Velocity(int i) const {
  const float* v = crowd_->getAgent(i)->vel;
  return {v[0], v[1], v[2]};
}

}  // namespace figurant::nav
