// The Figurant side of the peer benchmark (bench/peers/): renders a scene file's explicit agents
// with the library API, from doubles prepared on disk, and prints one JSON line of figures.
//
//   render_scene prepare DIR [--makehuman N]
//       writes DIR/human.{double,glb} and DIR/mh_00..mh_{N-1}.{double,glb} (bench_doubles.h)
//   render_scene render SCENE.json DIR [--threads N] [--quiet] [--mattes-only] [--seed S]
//                [--output PATTERN]
//       renders every frame of the scene as `figurant render` would write it (EXR, PNG preview,
//       coverage sidecar); the double of an agent is DIR/<double>.double, its performer
//       "per_<double>". --seed and --output override the scene's seed and render.output. Prints
//       {"load_s", "build_s", "render_s", "write_s", "total_s", "rays", "primary_rays",
//       "peak_rss_mb", ...}.
//   render_scene field DIR AGENTS DOUBLES WxH SPP [--threads N] [--quiet]
//       the same for bench_doubles.h's FieldScene generated in memory (human and DOUBLES - 1
//       MakeHuman bodies from DIR), writing DIR/field_<AGENTS>.exr: the million-agent frame
//       without a 100 MB scene file.
//
// No bank, licences or casting: this times the renderer alone (the CLI adds the licence check).
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "bench_doubles.h"
#include "core/file.h"
#include "crowd/scene_spec.h"
#include "render/output.h"
#include "render/plate_dir.h"
#include "render/renderer.h"

namespace figurant::bench {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

double Since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Resident memory now (not the peak), from /proc/self/statm. [MiB]
double CurrentRssMb() {
  std::ifstream statm("/proc/self/statm");
  size_t pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) /
         (1024.0 * 1024.0);
}

double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

int Prepare(const fs::path& dir, int makehuman) {
  if (Status s = EnsureDirectory(dir); !s.ok()) {
    std::cerr << s.ToString() << "\n";
    return 1;
  }
  auto write = [&](const std::string& id, Result<geom::DoubleAsset> asset) {
    if (!asset.ok()) {
      std::cerr << id << ": " << asset.status().ToString() << "\n";
      return false;
    }
    Status s = WriteDouble(dir / (id + ".double"), *asset);
    if (s.ok()) s = ExportGlb(asset->mesh, dir / (id + ".glb"));
    if (!s.ok()) {
      std::cerr << id << ": " << s.ToString() << "\n";
      return false;
    }
    std::cout << id << ": " << asset->mesh.triangle_count() << " triangles, " << asset->lods.size()
              << " coarser levels\n";
    return true;
  };
  if (!write(kHumanId, ImportHuman())) return 1;
  for (int i = 0; i < makehuman; ++i) {
    if (!write(MakeHumanId(i), ImportMakeHumanBody(FIGURANT_MAKEHUMAN_DIR, i))) {
      return 1;
    }
  }
  return 0;
}

struct RenderArgs {
  int threads = -1;
  bool quiet = false, mattes_only = false;
  std::optional<uint64_t> seed;
  std::string output;
};

// Writes frame `f` as `figurant render` would (EXR, PNG preview, coverage sidecar), in the plate
// directory of the scene's render.output under its directory; returns the EXR's path.
Result<fs::path> WritePlates(const crowd::SceneSpec& spec, const render::Frame& f,
                             const render::FrameNames& names,
                             const std::vector<std::string>& agent_doubles,
                             const std::vector<std::string>& agent_performers) {
  FIGURANT_ASSIGN_OR_RETURN(auto plates,
                            render::PlateDirectory::Open({spec.base_dir, spec.OutputSubdir(), {}},
                                                         {spec.production, spec.shot}));
  const render::FrameFiles files =
      render::FrameFilesFor(spec.OutputName(f.frame), spec.render.preview_png);
  nlohmann::json cov = render::CoverageJson(f, names, agent_doubles, agent_performers);
  cov["production"] = spec.production;
  cov["shot"] = spec.shot;
  FIGURANT_ASSIGN_OR_RETURN(auto staged,
                            render::StageFrame(*plates, files, f, names,
                                               {{"figurant/production", spec.production},
                                                {"figurant/shot", spec.shot},
                                                {"figurant/frame", std::to_string(f.frame)}},
                                               cov));
  FIGURANT_RETURN_IF_ERROR(plates->Publish(staged));
  return plates->path() / files.exr;
}

int Render(Result<crowd::SceneSpec> spec, const fs::path& dir, const RenderArgs& args,
           std::chrono::steady_clock::time_point t0) {
  if (!spec.ok()) {
    std::cerr << spec.status().ToString() << "\n";
    return 2;
  }
  if (args.seed) spec->seed = *args.seed;
  if (!args.output.empty()) spec->render.output = args.output;
  if (!spec->crowds.empty() || !spec->set.meshes.empty()) {
    std::cerr << "render_scene renders explicit agents on a ground plane only\n";
    return 2;
  }
  render::RenderScene rs;
  rs.camera = spec->camera;
  rs.lighting = spec->lighting;
  rs.has_ground = spec->set.has_ground;
  rs.ground_height = static_cast<float>(spec->set.ground_height);
  rs.ground_albedo = spec->set.ground_albedo;
  std::map<std::string, int> proto_of;
  render::FrameNames names;
  std::vector<std::string> agent_doubles, agent_performers;
  rs.agents.reserve(spec->agents.size());
  for (const crowd::AgentSpec& a : spec->agents) {
    auto it = proto_of.find(a.double_id);
    if (it == proto_of.end()) {
      auto asset = ReadDouble(dir / (a.double_id + ".double"));
      if (!asset.ok()) {
        std::cerr << a.double_id << ": " << asset.status().ToString() << "\n";
        return 1;
      }
      rs.prototypes.push_back({a.double_id, "per_" + a.double_id,
                               std::make_shared<const geom::DoubleAsset>(std::move(*asset))});
      it = proto_of.emplace(a.double_id, static_cast<int>(rs.prototypes.size() - 1)).first;
    }
    render::AgentInstance inst;
    inst.prototype = it->second;
    inst.position = a.position;
    inst.heading_rad = static_cast<float>(a.heading_deg * M_PI / 180.0);
    inst.scale = static_cast<float>(a.scale);
    inst.tint = a.tint;
    inst.lod = a.lod;
    inst.name = a.name;
    rs.agents.push_back(std::move(inst));
    names.agents.push_back(a.name);
    agent_doubles.push_back(a.double_id);
    agent_performers.push_back("per_" + a.double_id);
  }
  const double load_s = Since(t0);
  const double rss_loaded = CurrentRssMb();

  render::RenderOptions ro;
  ro.spp = spec->render.spp;
  ro.max_bounces = spec->render.max_bounces;
  ro.threads = args.threads >= 0 ? args.threads : spec->render.threads;
  ro.seed = spec->seed;
  ro.progress = !args.quiet;
  ro.mattes_only = args.mattes_only;
  const auto tb = std::chrono::steady_clock::now();
  auto renderer = render::Renderer::Create(std::move(rs), ro);
  if (!renderer.ok()) {
    std::cerr << renderer.status().ToString() << "\n";
    return 1;
  }
  const double build_s = Since(tb);
  const double rss_built = CurrentRssMb();
  names.doubles = (*renderer)->double_names();
  names.performers = (*renderer)->performer_names();

  double render_s = 0, write_s = 0;
  uint64_t rays = 0, primary = 0;
  json frames = json::array();
  for (int frame = spec->frames.start; frame <= spec->frames.end; ++frame) {
    auto f = (*renderer)->Render(frame);
    if (!f.ok()) {
      std::cerr << f.status().ToString() << "\n";
      return 1;
    }
    render_s += f->stats.seconds;
    rays += f->stats.rays;
    primary += static_cast<uint64_t>(f->width) * f->height * f->spp;
    const auto tw = std::chrono::steady_clock::now();
    auto exr = WritePlates(*spec, *f, names, agent_doubles, agent_performers);
    if (!exr.ok()) {
      std::cerr << exr.status().ToString() << "\n";
      return 1;
    }
    write_s += Since(tw);
    frames.push_back(exr->string());
  }
  const json out = {{"agents", spec->agents.size()},
                    {"doubles", names.doubles.size()},
                    {"load_s", load_s},
                    {"build_s", build_s},
                    {"render_s", render_s},
                    {"write_s", write_s},
                    {"total_s", Since(t0)},
                    {"rays", rays},
                    {"primary_rays", primary},
                    {"mrays_per_s", render_s > 0 ? rays / render_s / 1e6 : 0.0},
                    {"peak_rss_mb", PeakRssMb()},
                    {"rss_after_load_mb", rss_loaded},
                    {"rss_after_build_mb", rss_built},
                    {"outputs", frames}};
  std::cout << out.dump() << "\n";
  return 0;
}

int Usage() {
  std::cerr << "usage: render_scene prepare DIR [--makehuman N]\n"
               "       render_scene render SCENE.json DIR [--threads N] [--quiet] "
               "[--mattes-only] [--seed S] [--output PATTERN]\n"
               "       render_scene field DIR AGENTS DOUBLES WxH SPP [--threads N] [--quiet]\n";
  return 2;
}

int Main(int argc, char** argv) {
  if (argc < 3) return Usage();
  const std::string cmd = argv[1];
  if (cmd == "prepare") {
    int makehuman = 0;
    for (int i = 3; i < argc; ++i) {
      if (std::strcmp(argv[i], "--makehuman") == 0 && i + 1 < argc) {
        makehuman = std::atoi(argv[++i]);
      } else {
        return Usage();
      }
    }
    return Prepare(argv[2], makehuman);
  }
  if (cmd == "field" && argc >= 7) {
    // render_scene field DIR AGENTS DOUBLES WxH SPP [render options]
    const auto t0 = std::chrono::steady_clock::now();
    const int agents = std::atoi(argv[3]), doubles = std::atoi(argv[4]);
    int width = 0, height = 0;
    if (agents < 1 || doubles < 1 || std::sscanf(argv[5], "%dx%d", &width, &height) != 2) {
      return Usage();
    }
    std::vector<std::string> ids = {kHumanId};
    for (int i = 0; i + 1 < doubles; ++i) ids.push_back(MakeHumanId(i));
    crowd::SceneSpec spec = FieldScene(agents, ids, width, height, std::atoi(argv[6]));
    spec.base_dir = argv[2];
    spec.render.output = "field_" + std::to_string(agents) + ".exr";
    RenderArgs args;
    for (int i = 7; i < argc; ++i) {
      if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
        args.threads = std::atoi(argv[++i]);
      } else if (std::strcmp(argv[i], "--quiet") == 0) {
        args.quiet = true;
      } else {
        return Usage();
      }
    }
    return Render(std::move(spec), argv[2], args, t0);
  }
  if (cmd == "render" && argc >= 4) {
    RenderArgs args;
    for (int i = 4; i < argc; ++i) {
      if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
        args.threads = std::atoi(argv[++i]);
      } else if (std::strcmp(argv[i], "--quiet") == 0) {
        args.quiet = true;
      } else if (std::strcmp(argv[i], "--mattes-only") == 0) {
        args.mattes_only = true;
      } else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
        args.seed = std::strtoull(argv[++i], nullptr, 10);
      } else if (std::strcmp(argv[i], "--output") == 0 && i + 1 < argc) {
        args.output = argv[++i];
      } else {
        return Usage();
      }
    }
    const auto t0 = std::chrono::steady_clock::now();
    return Render(crowd::LoadSceneSpec(argv[2]), argv[3], args, t0);
  }
  return Usage();
}

}  // namespace
}  // namespace figurant::bench

int main(int argc, char** argv) { return figurant::bench::Main(argc, argv); }
