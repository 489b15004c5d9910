// A performer's appearances, from the ledger alone (docs/ledger.md, "Appearances"): for their
// statement page and the HTTP API, per production and shot, the frames in which one of their
// doubles is visible (consecutive frames merged into ranges), the screen-seconds and the largest
// on-screen height. Counted exactly as statements count (ledger/internal/billed_units.h, the
// "Supersession" rule): a double visible in a frame counts once however often the frame is
// re-rendered, at 1/the production's declared frame rate (or, for a production the ledger holds no
// declaration of, the largest 1/fps any render of the frame recorded), so a performer's
// screen-seconds here add up to those of their statement.
//
// Pure functions of the entries; thread-compatible.
#pragma once

#include <array>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ledger/ledger.h"

namespace figurant::ledger {

// Frames first..last of a shot, both included. [Limits: first <= last]
struct FrameRange {
  int first = 0;
  int last = 0;
  bool operator==(const FrameRange&) const = default;
};

// Where one performer's doubles appear in one shot of one production.
struct ShotAppearance {
  std::string production;
  std::string shot;
  // Ascending, disjoint and never adjacent: consecutive frames are merged (1-48, 60-72).
  std::vector<FrameRange> frames;
  uint64_t frame_count = 0;  // frames in `frames`
  // Σ over (frame, double) of the unit's seconds, as statements bill them; a frame showing two
  // of the performer's doubles counts twice. [Units: s] [Limits: >= 0]
  double screen_seconds = 0;
  // The largest on-screen height of any of their doubles in any counted render of the shot, as a
  // fraction of the frame height. [Limits: >= 0]
  double max_height_fraction = 0;
  std::vector<std::string> doubles;  // the doubles seen, sorted
};

struct Appearances {
  std::string performer;
  std::vector<ShotAppearance> shots;  // ordered by production, then shot
  double screen_seconds = 0;          // Σ over shots [Units: s]
  // What the ledger's writers got wrong (as in statements): rates, missing supersedes, duplicates.
  std::vector<std::string> warnings;
  SignedHead head;  // what they were computed from (default when computed from bare entries)
};

// From the entries of a verified ledger, in order. DataLoss when a usage, supersede or
// production_declared payload breaks its format (ledger/payloads.h names the entry and field). A
// performer the ledger never shows has no shots; that is not an error.
Result<Appearances> ComputeAppearances(std::span<const Entry> entries,
                                       const std::string& performer);
// The same over an open ledger (up to its last head read), and over an export's bytes and the
// bank's public key, which must verify entirely (DataLoss naming the first bad entry otherwise).
Result<Appearances> ComputeAppearances(const Ledger& ledger, const std::string& performer);
Result<Appearances> ComputeAppearances(std::string_view log_bytes,
                                       const std::array<uint8_t, 32>& public_key,
                                       const std::string& performer);

// ComputeAppearances kept up to date as a ledger grows, for every performer at once: Add each entry
// once, in ledger order (e.g. from Ledger::ForEachSince), then Of(performer) whenever wanted — as
// often as wanted, with more Adds in between; it costs a pass over the billed units, not over the
// ledger. Add's DataLoss as ComputeAppearances'; after one, the builder must be discarded. Not
// thread-safe.
class AppearancesBuilder {
 public:
  AppearancesBuilder();
  ~AppearancesBuilder();
  AppearancesBuilder(AppearancesBuilder&&) noexcept;
  AppearancesBuilder& operator=(AppearancesBuilder&&) noexcept;

  Status Add(const Entry& entry);
  // `performer`'s appearances in every entry added so far, under `head` (which the caller says
  // they are).
  Appearances Of(const std::string& performer, const SignedHead& head);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// {"performer", "ledger_head", "screen_seconds", "warnings", "appearances": [{"production",
// "shot", "frames": [[first, last], ...], "frame_count", "screen_seconds",
// "max_height_fraction", "doubles"}]} (docs/ledger.md, "Appearances").
nlohmann::json AppearancesJson(const Appearances& a);

}  // namespace figurant::ledger
