// render: a scene file → licensed, cast crowd → EXR/PNG plates, coverage and clone report
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli.h"
#include "core/ids.h"
#include "shot/shot.h"

namespace figurant::cli {

using nlohmann::json;

namespace {

struct RenderArgs {
  std::string scene, frames, out;
  bool drop_refused = false, allow_clones = false, quiet = false;
  int threads = -1;
};

// The options from the flags; InvalidArgument naming --frames when it is malformed.
Result<shot::ShotOptions> OptionsOf(const RenderArgs& a, const Context& ctx) {
  shot::ShotOptions o;
  o.drop_refused = a.drop_refused;
  o.allow_clones = a.allow_clones;
  o.threads = a.threads;
  o.output_dir = a.out;
  o.test_plate_delay_ms = ctx.test_seams.plate_delay_ms;  // crash tests only (cli.h)
  // Progress redraws one terminal line; piped into a log it would be noise.
  o.progress = !a.quiet && !ctx.json && ::isatty(STDERR_FILENO) == 1;
  if (!a.frames.empty()) {
    FIGURANT_ASSIGN_OR_RETURN(const FrameRangeOption range, ParseFrameRange(a.frames));
    o.first_frame = range.first;
    o.last_frame = range.last;
  }
  return o;
}

// The shot's error, with the flag that gets past it when there is one: refused agents name the
// library's drop_refused (a frame refused after rendering does not: no flag gets past that).
Status WithFlagHint(const Status& s, const shot::ShotOptions& o) {
  if (s.code() == StatusCode::kPermissionDenied && !o.drop_refused &&
      s.message().find("drop_refused") != std::string::npos) {
    return Status(s.code(), s.message() + "\n(pass --drop-refused to render without them)");
  }
  return s;
}

std::string ReportText(const shot::ShotReport& report, const std::string& render_id, int events,
                       const ledger::Ledger& ledger) {
  std::ostringstream t;
  t << "shot " << report.shot << " of " << report.production << ": " << report.agents.size()
    << " agents rendered\n";
  for (const auto& g : report.groups) {
    t << "  group " << g.name << ": " << g.placed << " of " << g.asked << " placed";
    if (!g.shortfall.empty()) {
      t << " (" << g.shortfall << ")";
    } else if (g.set_blocked_fraction > 0) {
      t << " (the set blocks " << std::lround(100 * g.set_blocked_fraction) << "% of the polygon)";
    }
    t << ", cast from " << g.doubles_eligible << " doubles\n";
  }
  t << "  doubles eligible: " << report.doubles_eligible << "\n";
  for (const auto& [reason, n] : report.excluded_by_reason) {
    t << "  doubles excluded (" << reason << "): " << n << "\n";
  }
  for (const auto& r : report.refused) {
    t << "  refused " << r.agent << " (double " << r.double_id << ")";
    for (const auto& why : r.reasons) t << "\n    " << why;
    t << "\n";
  }
  for (const auto& sd : report.standing_still) {
    t << "  standing still: " << sd.agents << " agent" << (sd.agents == 1 ? "" : "s")
      << " of double " << sd.double_id << " asked to";
    for (const std::string& c : sd.asked) t << " " << c;
    t << " (" << sd.why << ")\n";
  }
  if (report.movement) {
    const auto& m = *report.movement;
    char line[200];
    std::snprintf(line, sizeof line,
                  "  movement: %d agents simulated over %d frames in %.1f s (navigation mesh %s, "
                  "%d polygons)\n",
                  m.agents_simulated, m.frames, m.simulate_seconds,
                  m.navmesh_built ? "built" : "from the cache", m.navmesh_polygons);
    t << line;
  }
  for (const auto& r : report.reconfirm) {
    t << "  re-confirm licence " << r.licence_id << " (performer " << r.performer_id
      << "): " << r.agents << " agent" << (r.agents == 1 ? "" : "s") << " of double " << r.double_id
      << " moved through the set, signed under disclosure version " << r.disclosure_version
      << ", which did not say so: re-offer it (figurant licence reoffer)\n";
  }
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "  clones: nearest same-double pair %.2f m apart in the set, %.3f of frame width "
                "on screen (report %s)\n",
                report.clone_world_min_m, report.clone_screen_min_fraction,
                report.clone_report.c_str());
  t << buf;
  uint64_t rays = 0;
  for (const auto& f : report.frames) {
    t << "  frame " << f.frame << ": " << f.exr.string();
    if (!f.png.empty()) t << ", " << f.png.string();
    std::snprintf(buf, sizeof buf, " (%.1f s)\n", f.seconds);
    t << buf;
    rays += f.rays;
  }
  std::snprintf(buf, sizeof buf,
                "  timings: resolve %.2f s, build %.2f s, render %.1f s, %.1f Mrays/s\n",
                report.resolve_seconds, report.build_seconds, report.render_seconds,
                report.render_seconds > 0 ? rays / report.render_seconds / 1e6 : 0.0);
  t << buf;
  t << "  metered: render " << render_id << ", " << events << " usage events; ledger head "
    << ledger.head().tree_size << " entries\n";
  return t.str();
}

void RunRender(Context& ctx, const RenderArgs& a) {
  auto o = OptionsOf(a, ctx);
  if (!ctx.Check(o.status())) return;
  auto spec = crowd::LoadSceneSpec(a.scene);
  if (!ctx.Check(spec.status())) return;
  // Checked before the bank is opened, naming the flag the range came from.
  const Status frames = shot::FramesToRender(spec->frames, *o).status();
  if (!ctx.Check(frames.WithContext("--frames " + a.frames))) return;
  auto bank = ctx.OpenBank();
  if (!ctx.Check(bank.status())) return;
  auto ledger = (*bank)->Ledger();
  if (!ctx.Check(ledger.status())) return;
  const std::string render_id = NewId(id_prefix::kRender);
  int events = 0;
  auto sink = shot::MeteringSink(**bank, *spec, render_id, &events);
  if (!ctx.Check(sink.status())) return;
  auto report = shot::RenderShot(**bank, *spec, *o, *sink);
  if (!ctx.Check(WithFlagHint(report.status(), *o))) return;
  json j = report->ToJson();
  j["render"] = render_id;
  j["usage_events"] = events;
  j["ledger_head"] = (*ledger)->head().ToJson();
  ctx.Emit(j, ReportText(*report, render_id, events, **ledger));
}

}  // namespace

void RegisterRenderCommand(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<RenderArgs>();
  CLI::App* cmd = app.add_subcommand(
      "render", "Render a shot from a scene file (every agent checked against its licence)");
  cmd->add_option("scene", a->scene, "Scene file (docs/scene-spec.md)")->required();
  cmd->add_option("--frames", a->frames, "Frame range A-B (or one frame A) within the scene's");
  cmd->add_option("--out", a->out,
                  "Output directory render.output is relative to (default: the scene file's); "
                  "never inside the bank");
  cmd->add_flag("--drop-refused", a->drop_refused,
                "Render without agents the licences refuse (listed) instead of failing");
  cmd->add_flag("--allow-clones", a->allow_clones,
                "Proceed when the clone distances cannot be met, maximising them");
  cmd->add_option("--threads", a->threads, "Render threads (default: the scene's, 0 = all)");
  cmd->add_flag("--quiet", a->quiet, "No progress on stderr");
  cmd->callback([&ctx, a] { RunRender(ctx, *a); });
}

}  // namespace figurant::cli
