// crowd export: a scene's licensed crowd → glTF 2.0 (mannequins on the doubles' skeletons, one
// animated node per agent) for Blender, Houdini or Unreal (docs/interchange.md)
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

#include "cli.h"
#include "core/file.h"
#include "shot/export.h"

namespace figurant::cli {

using nlohmann::json;

namespace {

struct ExportArgs {
  std::string scene, frames, out;
  bool drop_refused = false, allow_clones = false;
};

Result<shot::ShotOptions> OptionsOf(const ExportArgs& a) {
  shot::ShotOptions o;
  o.drop_refused = a.drop_refused;
  o.allow_clones = a.allow_clones;
  if (!a.frames.empty()) {
    FIGURANT_ASSIGN_OR_RETURN(const FrameRangeOption range, ParseFrameRange(a.frames));
    o.first_frame = range.first;
    o.last_frame = range.last;
  }
  return o;
}

// InvalidArgument naming --out when it is inside the bank's directory or its keys': an export is
// for the studio, never kept by the bank (ExportCrowd checks the bank it opens too).
Status OutOfBank(const Context& ctx, const std::string& out) {
  const bank::BankPaths paths = bank::BankPaths::For(ctx.BankDir());
  for (const std::filesystem::path& dir : {paths.dir, paths.keys}) {
    if (PathIsWithin(out, dir)) {
      return InvalidArgument("--out: " + out + " is inside the bank (" + dir.string() +
                             "); write the export where the studio keeps its files");
    }
  }
  return Status::Ok();
}

std::string ReportText(const shot::ExportReport& r, double seconds) {
  std::ostringstream t;
  char line[512];
  std::snprintf(line, sizeof line,
                "shot %s of %s: %d agents, frames %d-%d (%d), %d doubles as mannequins, %d poses\n",
                r.shot.c_str(), r.production.c_str(), r.agents, r.first_frame,
                r.first_frame + r.frames - 1, r.frames, r.doubles, r.poses);
  t << line;
  std::snprintf(line, sizeof line,
                "  wrote %s: %llu bytes (%.0f per agent-frame) in %.2f s (resolve %.2f s, pose "
                "%.2f s, write %.2f s)\n",
                r.file.c_str(), static_cast<unsigned long long>(r.bytes), r.bytes_per_agent_frame(),
                seconds, r.resolve_seconds, r.pose_seconds, r.write_seconds);
  t << line;
  for (const auto& refused : r.refused) {
    t << "  left out " << refused.agent << " (double " << refused.double_id << ")";
    for (const auto& why : refused.reasons) t << "\n    " << why;
    t << "\n";
  }
  for (const auto& sd : r.standing_still) {
    t << "  standing still: " << sd.agents << " agent" << (sd.agents == 1 ? "" : "s")
      << " of double " << sd.double_id << " (" << sd.why << ")\n";
  }
  return t.str();
}

void RunExport(Context& ctx, const ExportArgs& a) {
  const auto t0 = std::chrono::steady_clock::now();
  auto o = OptionsOf(a);
  if (!ctx.Check(o.status())) return;
  if (!ctx.Check(OutOfBank(ctx, a.out))) return;
  auto spec = crowd::LoadSceneSpec(a.scene);
  if (!ctx.Check(spec.status())) return;
  const Status frames = shot::FramesToRender(spec->frames, *o).status();
  if (!ctx.Check(frames.WithContext("--frames " + a.frames))) return;
  auto bank = ctx.OpenBank();
  if (!ctx.Check(bank.status())) return;
  auto report = shot::ExportCrowd(**bank, *spec, *o, a.out);
  if (report.status().code() == StatusCode::kPermissionDenied && !a.drop_refused &&
      report.status().message().find("drop_refused") != std::string::npos) {
    ctx.Fail(Status(report.status().code(),
                    report.status().message() + "\n(pass --drop-refused to export without them)"));
    return;
  }
  if (!ctx.Check(report.status())) return;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  json j = report->ToJson();
  j["seconds"] = seconds;
  ctx.Emit(j, ReportText(*report, seconds));
}

}  // namespace

void RegisterCrowdCommands(CLI::App& app, Context& ctx) {
  CLI::App* crowd = app.add_subcommand("crowd", "Crowds: take a shot's crowd to other tools");
  crowd->require_subcommand(1);
  auto a = std::make_shared<ExportArgs>();
  CLI::App* cmd = crowd->add_subcommand(
      "export",
      "Export a scene's licensed crowd as glTF 2.0: mannequins on the doubles' skeletons (never "
      "the scans), one animated node per agent");
  cmd->add_option("scene", a->scene, "Scene file (docs/scene-spec.md)")->required();
  cmd->add_option("--out", a->out, "The .glb file to write; never inside the bank")->required();
  cmd->add_option("--frames", a->frames, "Frame range A-B (or one frame A) within the scene's");
  cmd->add_flag("--drop-refused", a->drop_refused,
                "Export without agents the licences refuse (listed) instead of failing");
  cmd->add_flag("--allow-clones", a->allow_clones,
                "Proceed when the clone distances cannot be met, maximising them");
  cmd->callback([&ctx, a] { RunExport(ctx, *a); });
}

}  // namespace figurant::cli
