#include "shot/export.h"

#include <tbb/parallel_for.h>

#include <chrono>
#include <map>
#include <utility>

#include "core/file.h"
#include "shot/internal/posing.h"
#include "shot/internal/resolve.h"

namespace figurant::shot {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// The doubles the agents show, in order of first appearance, each with its skeleton (when it has
// one) and standing height; `index` maps a double id to its place.
void AddDoubles(const internal::ResolvedShot& shot, CrowdExport& out,
                std::map<std::string, int>& index) {
  std::vector<std::string> ids;
  for (const CastAgent& a : shot.report.agents) {
    if (index.emplace(a.double_id, static_cast<int>(ids.size())).second) ids.push_back(a.double_id);
  }
  for (const std::string& id : ids) {
    const geom::Mesh& mesh = shot.shown.at(id).bind->mesh;
    if (mesh.skeleton && !mesh.skeleton->bones.empty()) out.skeletons.push_back(*mesh.skeleton);
  }
  size_t next = 0;  // `skeletons` is complete: pointers into it stay valid
  for (const std::string& id : ids) {
    const internal::ShownDouble& shown = shot.shown.at(id);
    const geom::Mesh& mesh = shown.bind->mesh;
    const bool rigged = mesh.skeleton && !mesh.skeleton->bones.empty();
    out.doubles.push_back({id, rigged ? &out.skeletons[next++] : nullptr, shown.standing_height_m});
  }
}

// Each moving key of the schedule posed (anim::PoseMesh, in parallel: each depends on its key
// alone), its bones' frames kept as a pose; per key, its pose's index, -1 for a still key (the
// double as stored).
Result<std::vector<int>> PoseKeys(const internal::ResolvedShot& shot,
                                  const std::map<std::string, int>& index,
                                  std::vector<interchange::CrowdPose>& poses) {
  const std::vector<internal::PoseKey>& keys = shot.schedule->keys();
  std::vector<int> pose_of_key(keys.size(), -1);
  std::vector<size_t> moving;
  for (size_t k = 0; k < keys.size(); ++k) {
    if (keys[k].cycle != anim::MotionCycle::kStill) moving.push_back(k);
  }
  std::vector<Result<geom::Mesh>> posed(moving.size(), Internal("not posed"));
  tbb::parallel_for(size_t{0}, moving.size(), [&](size_t i) {
    const internal::PoseKey& key = keys[moving[i]];
    posed[i] = anim::PoseMesh(shot.shown.at(key.double_id).bind->mesh, internal::PoseSpecOf(key));
  });
  for (size_t i = 0; i < moving.size(); ++i) {
    const internal::PoseKey& key = keys[moving[i]];
    if (!posed[i].ok()) return posed[i].status().WithContext("posing double " + key.double_id);
    interchange::CrowdPose pose{index.at(key.double_id), {}};
    for (const geom::Bone& bone : posed[i]->skeleton->bones) pose.bones.push_back(bone.bind_pose);
    pose_of_key[moving[i]] = static_cast<int>(poses.size());
    poses.push_back(std::move(pose));
  }
  return pose_of_key;
}

// Every agent's place and pose in every frame of `span`: where the renderer would draw it.
void AddFrames(const internal::ResolvedShot& shot, FrameSpan span,
               const std::vector<int>& pose_of_key, interchange::CrowdMotion& motion) {
  const std::vector<render::AgentInstance>& instances = shot.rendered.instances;
  nav::Trajectories& t = motion.placements;
  t.agents = static_cast<int>(instances.size());
  t.frames = span.last - span.first + 1;
  for (int frame = span.first; frame <= span.last; ++frame) {
    std::vector<render::AgentPlacement> at;
    if (shot.travel) {
      at = shot.travel->PlacementsAt(frame);
    } else {
      for (const render::AgentInstance& i : instances) at.push_back({i.position, i.heading_rad});
    }
    for (const render::AgentPlacement& p : at) t.placements.push_back({p.position, p.heading_rad});
    for (int key : shot.schedule->PrototypesAt(frame)) {
      motion.pose_at.push_back(pose_of_key[static_cast<size_t>(key)]);
    }
  }
}

ExportReport ReportOf(const internal::ResolvedShot& shot, FrameSpan span) {
  ExportReport r;
  r.production = shot.report.production;
  r.shot = shot.report.shot;
  r.agents = static_cast<int>(shot.report.agents.size());
  r.first_frame = span.first;
  r.frames = span.last - span.first + 1;
  r.refused = shot.report.refused;
  r.standing_still = shot.report.standing_still;
  r.reconfirm = shot.report.reconfirm;
  return r;
}

}  // namespace

double ExportReport::bytes_per_agent_frame() const {
  const double agent_frames = static_cast<double>(agents) * frames;
  return agent_frames > 0 ? static_cast<double>(bytes) / agent_frames : 0;
}

json ExportReport::ToJson() const {
  json refused_j = json::array();
  for (const RefusedAgent& r : refused) {
    refused_j.push_back({{"agent", r.agent}, {"double", r.double_id}, {"reasons", r.reasons}});
  }
  json still_j = json::array();
  for (const StillDouble& sd : standing_still) {
    still_j.push_back({{"double", sd.double_id}, {"why", sd.why}, {"agents", sd.agents}});
  }
  return {{"production", production},
          {"shot", shot},
          {"file", file.string()},
          {"agents", agents},
          {"first_frame", first_frame},
          {"frames", frames},
          {"doubles", doubles},
          {"poses", poses},
          {"bytes", bytes},
          {"bytes_per_agent_frame", bytes_per_agent_frame()},
          {"refused", refused_j},
          {"standing_still", still_j},
          {"reconfirm_for_movement", reconfirm.size()},
          {"timings",
           {{"resolve_s", resolve_seconds}, {"pose_s", pose_seconds}, {"write_s", write_seconds}}}};
}

Result<CrowdExport> ResolveCrowdExport(bank::Bank& bank, const crowd::SceneSpec& spec,
                                       const ShotOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  FIGURANT_ASSIGN_OR_RETURN(const FrameSpan span, FramesToRender(spec.frames, options));
  FIGURANT_ASSIGN_OR_RETURN(ShotSet set, LoadShotSet(spec));
  FIGURANT_ASSIGN_OR_RETURN(const internal::ResolvedShot shot,
                            internal::ResolveShot(bank, spec, options, span, set));
  CrowdExport out;
  out.report = ReportOf(shot, span);
  out.report.resolve_seconds = Seconds(t0);

  const auto tp = std::chrono::steady_clock::now();
  std::map<std::string, int> index;
  AddDoubles(shot, out, index);
  for (size_t a = 0; a < shot.report.agents.size(); ++a) {
    out.agents.push_back({shot.report.agents[a].name, index.at(shot.report.agents[a].double_id),
                          shot.rendered.instances[a].scale});
  }
  FIGURANT_ASSIGN_OR_RETURN(const std::vector<int> pose_of_key,
                            PoseKeys(shot, index, out.motion.poses));
  out.motion.fps = spec.frames.fps;
  AddFrames(shot, span, pose_of_key, out.motion);
  out.report.doubles = static_cast<int>(out.doubles.size());
  out.report.poses = static_cast<int>(out.motion.poses.size());
  out.report.pose_seconds = Seconds(tp);
  return out;
}

Result<ExportReport> ExportCrowd(bank::Bank& bank, const crowd::SceneSpec& spec,
                                 const ShotOptions& options, const fs::path& out) {
  for (const fs::path& dir : {bank.paths().dir, bank.paths().keys}) {
    if (PathIsWithin(out, dir)) {
      return InvalidArgument("crowd export: " + out.string() +
                             " is inside the bank's directories; write it elsewhere");
    }
  }
  FIGURANT_ASSIGN_OR_RETURN(CrowdExport crowd, ResolveCrowdExport(bank, spec, options));
  const auto tw = std::chrono::steady_clock::now();
  interchange::GltfOptions gltf;
  gltf.name = spec.production + "/" + spec.shot;
  FIGURANT_ASSIGN_OR_RETURN(
      const std::string glb,
      interchange::EncodeCrowdGlb(crowd.doubles, crowd.agents, crowd.motion, gltf));
  FIGURANT_RETURN_IF_ERROR(WriteFileAtomic(out, glb));
  ExportReport report = std::move(crowd.report);
  report.file = out;
  report.bytes = glb.size();
  report.write_seconds = Seconds(tw);
  return report;
}

}  // namespace figurant::shot
