// Metering: turning a rendered frame's coverage records into ledger usage events — one per double
// visible in the frame, with its summed pixel coverage (equal to its Cryptomatte coverage in the
// frame's EXR), largest on-screen height and whether any of its agents was altered. Re-rendering a
// frame supersedes the previous render's events for it (recorded as a supersede entry), so
// statements never count a frame twice.
#pragma once

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/status.h"
#include "ledger/ledger.h"

namespace figurant::ledger {

// One agent's visibility in a frame, as the renderer's coverage record gives it.
struct AgentUsage {
  std::string agent;
  std::string double_id;
  std::string performer_id;
  std::string licence_id;
  double pixels = 0;           // Σ Cryptomatte coverage [pixels]
  double height_fraction = 0;  // largest on-screen height / frame height
  bool altered = false;
  bool synthetic = false;
};

struct FrameKey {
  std::string production, shot;
  int frame = 0;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads defaulted <=>.
  auto operator<=>(const FrameKey&) const = default;
};

// The render currently counted for every frame in the ledger.
Result<std::map<FrameKey, std::string>> LatestRenders(const Ledger& ledger);

// Appends, in one durable batch, a supersede entry when `previous_render` is set, then one usage
// entry per double visible (pixels > 0). Returns the number of usage entries.
Result<int> MeterFrame(Ledger& ledger, const std::string& render_id, const FrameKey& key,
                       double fps, const std::vector<AgentUsage>& agents,
                       const std::optional<std::string>& previous_render);

}  // namespace figurant::ledger
