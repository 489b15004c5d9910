// The demo: the whole story on one machine, from nothing. Creates a bank of generated performers
// with a realistic mix of licences, renders two shots from examples/ (a stadium stand and a town
// square) into EXR/PNG plates metered into the ledger, then verifies the ledger and prints the
// statement. Used by `figurant demo` (and `make demo`), and by the end-to-end test in reduced size.
#pragma once

#include <filesystem>
#include <ostream>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace figurant::demo {

struct DemoOptions {
  std::filesystem::path dir = "demo-out";  // everything goes here (replaced on each run)
  std::filesystem::path examples;          // the examples/ directory with the two scenes
  int performers = 60;                     // [Limits: 12..500]
  double resolution_scale = 1.0;           // 1 = the scenes' 1920×1080 [Limits: 0.05..1]
  double crowd_scale = 1.0;                // fraction of the scenes' crowd sizes [Limits: 0.01..1]
  int spp = 0;                             // 0 = the scenes' setting
  int threads = 0;                         // 0 = all cores
  // MakeHuman data (the repository's assets/makehuman): when set, performers' bodies are
  // MakeHuman bodies drawn from their seeds (synth/makehuman_performer.h), and a folder that lacks
  // the data is an error naming it; when empty, the procedural bodies of synth/synth.h.
  std::filesystem::path makehuman;
};

struct DemoSummary {
  int performers = 0, doubles = 0;
  int agents_rendered = 0;
  std::vector<std::filesystem::path> plates;  // PNG previews
  double seconds = 0;
};

// Runs the demo, narrating to `out`. The bank lives in dir/bank, the renders in dir/out.
Result<DemoSummary> RunDemo(const DemoOptions& options, const Clock& clock, std::ostream& out);

}  // namespace figurant::demo
