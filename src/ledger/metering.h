// Metering: turning a rendered frame's coverage records into ledger usage events — one per double
// visible in the frame, with its summed pixel coverage (equal to its Cryptomatte coverage in the
// frame's EXR), largest on-screen height and whether any of its agents was altered. Re-rendering a
// frame records a supersede entry naming the render it replaces. Statements bill each double in a
// frame once, at the most any render of the frame recorded: a re-render never counts twice and
// never lowers what is owed (docs/ledger.md, "Statements").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "ledger/ledger.h"
#include "ledger/payloads.h"

namespace figurant::ledger {

// One agent's visibility in a frame, as the renderer's coverage record gives it.
struct AgentUsage {
  std::string agent;  // the agent's name in the shot
  std::string double_id;
  std::string performer_id;
  std::string licence_id;      // the licence that allowed it; empty only for synthetic performers
  double pixels = 0;           // Σ Cryptomatte coverage [Units: pixels] [Limits: >= 0]
  double height_fraction = 0;  // standing height on screen / frame height [Limits: >= 0]
  bool altered = false;        // tint or scale applied
  bool synthetic = false;      // the performer is synthetic (no real person)
};

// The latest render of every frame in the ledger (the one a re-render's supersede entry names): the
// render named by the frame's last usage or supersede entry. DataLoss when one of those entries
// breaks its payload format.
Result<std::map<FrameKey, std::string>> LatestRenders(const Ledger& ledger);

// Aggregates a frame's per-agent coverage into one event per double with pixels > 0, ordered by
// double id (the same frame always gives the same events). Pure.
std::vector<UsageEvent> UsageOfFrame(const std::string& render_id, const FrameKey& key, double fps,
                                     const std::vector<AgentUsage>& agents);

// The entries metering appends for one frame, as Ledger::AppendPayloads takes them: a supersede
// entry when `previous_render` is set and differs from `render_id`, then the frame's usage events.
// Callers that meter many frames at once (a farm ingesting coverage records) concatenate these and
// append them in one batch: one fsync for all.
std::vector<std::pair<EntryType, std::string>> FrameEntries(
    const std::string& render_id, const FrameKey& key, double fps,
    const std::vector<AgentUsage>& agents, const std::optional<std::string>& previous_render);

// Appends FrameEntries(...) in one durable batch (written, signed and fsynced before returning).
// Returns the number of usage entries. InvalidArgument (nothing appended) for an fps outside
// (0, 1000] or an agent on screen (pixels > 0) whose pixels or height fraction is not finite: the
// ledger never records what its parsers would refuse. The ledger's errors otherwise.
Result<int> MeterFrame(Ledger& ledger, const std::string& render_id, const FrameKey& key,
                       double fps, const std::vector<AgentUsage>& agents,
                       const std::optional<std::string>& previous_render);

}  // namespace figurant::ledger
