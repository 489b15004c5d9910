// render: a scene file → licensed, cast crowd → EXR/PNG plates, coverage and clone report
#include <unistd.h>

#include <cmath>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli.h"
#include "core/ids.h"
#include "shot/shot.h"

namespace figurant::cli {

using nlohmann::json;

void RegisterRenderCommand(CLI::App& app, Context& ctx) {
  struct Args {
    std::string scene, frames;
    bool drop_refused = false, allow_clones = false, quiet = false;
    int threads = -1;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "render", "Render a shot from a scene file (every agent checked against its licence)");
  cmd->add_option("scene", a->scene, "Scene file (docs/scene-spec.md)")->required();
  cmd->add_option("--frames", a->frames, "Frame range A-B (or one frame A) within the scene's");
  cmd->add_flag("--drop-refused", a->drop_refused,
                "Render without agents the licences refuse (listed) instead of failing");
  cmd->add_flag("--allow-clones", a->allow_clones,
                "Proceed when the clone distances cannot be met, maximising them");
  cmd->add_option("--threads", a->threads, "Render threads (default: the scene's, 0 = all)");
  cmd->add_flag("--quiet", a->quiet, "No progress on stderr");
  cmd->callback([&ctx, a] {
    shot::ShotOptions o;
    o.drop_refused = a->drop_refused;
    o.allow_clones = a->allow_clones;
    o.threads = a->threads;
    // Progress redraws one terminal line; piped into a log it would be noise.
    o.progress = !a->quiet && !ctx.json && ::isatty(STDERR_FILENO) == 1;
    if (!a->frames.empty()) {
      int first = 0, last = 0;
      char dash = 0;
      std::istringstream in(a->frames);
      in >> first;
      if (in && (in >> dash) && dash == '-' && (in >> last)) {
        o.first_frame = first;
        o.last_frame = last;
      } else if (in.eof() && !in.fail()) {
        o.first_frame = o.last_frame = first;
      } else {
        ctx.Fail(InvalidArgument("--frames '" + a->frames + "': expected A-B or A"));
        return;
      }
    }
    auto spec = crowd::LoadSceneSpec(a->scene);
    if (!ctx.Check(spec.status())) return;
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto ledger = (*bank)->Ledger();
    if (!ctx.Check(ledger.status())) return;
    const std::string render_id = NewId(id_prefix::kRender);
    int events = 0;
    auto sink = shot::MeteringSink(**ledger, *spec, render_id, &events);
    if (!ctx.Check(sink.status())) return;
    auto report = shot::RenderShot(**bank, *spec, o, *sink);
    if (!ctx.Check(report.status())) return;
    std::ostringstream t;
    t << "shot " << report->shot << " of " << report->production << ": " << report->agents.size()
      << " agents rendered\n";
    for (const auto& g : report->groups) {
      t << "  group " << g.name << ": " << g.placed << " of " << g.asked << " placed";
      if (!g.shortfall.empty()) {
        t << " (" << g.shortfall << ")";
      } else if (g.set_blocked_fraction > 0) {
        t << " (the set blocks " << std::lround(100 * g.set_blocked_fraction)
          << "% of the polygon)";
      }
      t << ", cast from " << g.doubles_eligible << " doubles\n";
    }
    t << "  doubles eligible: " << report->doubles_eligible << "\n";
    for (const auto& [reason, n] : report->excluded_by_reason) {
      t << "  doubles excluded (" << reason << "): " << n << "\n";
    }
    for (const auto& r : report->refused) {
      t << "  refused " << r.agent << " (double " << r.double_id << ")";
      for (const auto& why : r.reasons) t << "\n    " << why;
      t << "\n";
    }
    for (const auto& sd : report->standing_still) {
      t << "  standing still: " << sd.agents << " agent" << (sd.agents == 1 ? "" : "s")
        << " of double " << sd.double_id << " asked to";
      for (const std::string& c : sd.asked) t << " " << c;
      t << " (" << sd.why << ")\n";
    }
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "  clones: nearest same-double pair %.2f m apart in the set, %.3f of frame width "
                  "on screen (report %s)\n",
                  report->clone_world_min_m, report->clone_screen_min_fraction,
                  report->clone_report.c_str());
    t << buf;
    uint64_t rays = 0;
    for (const auto& f : report->frames) {
      t << "  frame " << f.frame << ": " << f.exr.string();
      if (!f.png.empty()) t << ", " << f.png.string();
      std::snprintf(buf, sizeof buf, " (%.1f s)\n", f.seconds);
      t << buf;
      rays += f.rays;
    }
    std::snprintf(buf, sizeof buf,
                  "  timings: resolve %.2f s, build %.2f s, render %.1f s, %.1f Mrays/s\n",
                  report->resolve_seconds, report->build_seconds, report->render_seconds,
                  report->render_seconds > 0 ? rays / report->render_seconds / 1e6 : 0.0);
    t << buf;
    t << "  metered: render " << render_id << ", " << events << " usage events; ledger head "
      << (*ledger)->head().tree_size << " entries\n";
    json j = report->ToJson();
    j["render"] = render_id;
    j["usage_events"] = events;
    j["ledger_head"] = (*ledger)->head().ToJson();
    ctx.Emit(j, t.str());
  });
}

}  // namespace figurant::cli
