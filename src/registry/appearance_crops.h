// Where each performer's appearance crop is (schema v9, docs/registry.md "Appearance crops"): for
// each (performer, production, shot) the one crop of a rendered plate that shows them largest,
// cut with their own matte (render/appearance_crop.h). The PNG itself is a blob in the store,
// encrypted under the performer's data key (docs/store.md); the registry keeps where it is and
// what it shows. Storage only: bank/ decides which crop to keep, api/ who may see it.
//
// Every function runs in the caller's transaction when one is open, else in its own; reads are
// strict (a stored value outside its column's set is DataLoss naming the table, row and column).
// Not thread-safe, like the Registry they use.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "registry/registry.h"

namespace figurant::registry {

// The prefix of crop ids ("crp_<16 hex>").
inline constexpr std::string_view kCropIdPrefix = "crp";

struct AppearanceCropRow {
  std::string id;
  std::string performer_id;
  std::string production_id;
  std::string shot;
  int64_t frame = 0;
  std::string render_id;
  std::string double_id;  // the double of the agent the crop is centred on
  // That agent's Cryptomatte coverage in the frame, as metered: how large the crop shows them,
  // and what a later render must beat to replace it. [Units: pixels] [Limits: > 0]
  double pixels = 0;
  int width = 0, height = 0;  // of the PNG [Units: pixels] [Limits: 1..4096]
  std::string blob_id;        // the PNG in the store (64 lowercase hex digits)
  UnixSeconds created_at = 0;
};

// Inserts the crop, or replaces the one its performer already has for that production and shot
// (keeping that one's id, so a link to it stays valid). InvalidArgument for a malformed row (id,
// blob id, a size or pixels out of range, an empty shot); NotFound when the performer or
// production does not exist.
Status PutAppearanceCrop(Registry& registry, const AppearanceCropRow& crop);
// The performer's crop of one shot; nullopt when none is kept.
Result<std::optional<AppearanceCropRow>> FindAppearanceCrop(Registry& registry,
                                                            const std::string& performer_id,
                                                            const std::string& production_id,
                                                            const std::string& shot);
// NotFound naming the id when there is no such crop.
Result<AppearanceCropRow> GetAppearanceCrop(Registry& registry, const std::string& id);
// The performer's crops, by production then shot.
Result<std::vector<AppearanceCropRow>> ListAppearanceCrops(Registry& registry,
                                                           const std::string& performer_id);
// Forgets every crop of the performer (erasure). OK when there is none.
Status DeleteAppearanceCrops(Registry& registry, const std::string& performer_id);

}  // namespace figurant::registry
