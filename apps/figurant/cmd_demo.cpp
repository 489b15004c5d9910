// demo: the whole story — bank, licences, two crowd shots, metering, ledger, statement
#include <iostream>
#include <memory>

#include "cli.h"
#include "demo/demo.h"

namespace figurant::cli {

void RegisterDemoCommand(CLI::App& app, Context& ctx) {
  struct Args {
    std::string dir = "demo-out", examples, makehuman;
    bool small = false, procedural = false;
    int threads = 0;
    int performers = 0;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "demo", "Build a bank of generated performers, render two crowd shots, print the statement");
  cmd->add_option("--dir", a->dir, "Where the bank and the plates go (replaced)");
  cmd->add_option("--examples", a->examples,
                  "The examples/ directory (default: next to the source)");
  cmd->add_flag("--small", a->small, "A reduced run for tests: 12 performers, small plates");
  cmd->add_option("--threads", a->threads, "Render threads (0 = all)");
  cmd->add_option("--performers", a->performers,
                  "Performers in the bank (default 60, 12 with --small); three of them are "
                  "always refused (revoked, expired, excluding violence)")
      ->check(CLI::Range(12, 500));
  cmd->add_option("--makehuman", a->makehuman,
                  "MakeHuman data directory the performers' bodies are drawn from (default: the "
                  "repository's assets/makehuman)");
  cmd->add_flag("--procedural", a->procedural,
                "Procedural bodies (src/synth) instead of MakeHuman's")
      ->excludes("--makehuman");
  cmd->callback([&ctx, a] {
    demo::DemoOptions o;
    o.dir = a->dir;
    o.examples = a->examples.empty() ? std::filesystem::path(FIGURANT_SOURCE_DIR) / "examples"
                                     : std::filesystem::path(a->examples);
    o.threads = a->threads;
    if (!a->procedural) o.makehuman = a->makehuman.empty() ? FIGURANT_MAKEHUMAN_DIR : a->makehuman;
    if (a->small) {
      o.performers = 12;
      o.resolution_scale = 0.125;
      o.crowd_scale = 0.05;
      o.spp = 2;
    }
    if (a->performers > 0) o.performers = a->performers;
    auto s = demo::RunDemo(o, *ctx.clock, ctx.json ? std::cerr : std::cout);
    if (!ctx.Check(s.status())) return;
    (ctx.json ? std::cerr : std::cout)
        << "Try: figurant --bank " << (o.dir / "bank").string() << " licence list\n";
    nlohmann::json plates = nlohmann::json::array();
    for (const auto& p : s->plates) plates.push_back(p.string());
    if (ctx.json) {
      ctx.Emit({{"performers", s->performers},
                {"doubles", s->doubles},
                {"agents_rendered", s->agents_rendered},
                {"plates", plates},
                {"seconds", s->seconds}},
               "");
    }
  });
}

}  // namespace figurant::cli
