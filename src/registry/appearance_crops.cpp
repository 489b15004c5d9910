#include "registry/appearance_crops.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include "core/ids.h"
#include "registry/internal/read_rows.h"
#include "registry/internal/row_reader.h"
#include "registry/internal/sqlite.h"

namespace figurant::registry {

namespace {

using internal::RowReader;
using internal::Statement;

constexpr size_t kBlobIdDigits = 64;
constexpr int kMaxSide = 4096;  // [Units: pixels]
constexpr int64_t kMinFrame = std::numeric_limits<int32_t>::min();
constexpr int64_t kMaxFrame = std::numeric_limits<int32_t>::max();

constexpr std::string_view kCropColumns =
    "id, performer_id, production_id, shot, frame, render_id, double_id, pixels, width, height, "
    "blob_id, created_at";

Result<AppearanceCropRow> ReadCrop(const Statement& s) {
  RowReader r(s, "appearance_crops");
  AppearanceCropRow c;
  c.id = r.Text(0);
  c.performer_id = r.Text(1);
  c.production_id = r.Text(2);
  c.shot = r.Text(3);
  c.frame = r.Integer(4, kMinFrame, kMaxFrame);
  c.render_id = r.Text(5);
  c.double_id = r.Text(6);
  c.pixels = r.Measure(7);
  c.width = r.SmallInt(8, 1, kMaxSide);
  c.height = r.SmallInt(9, 1, kMaxSide);
  c.blob_id = r.Hex(10, kBlobIdDigits);
  c.created_at = r.Timestamp(11);
  return r.Finish(std::move(c));
}

Status ValidateCrop(const AppearanceCropRow& c) {
  const std::string what = "appearance crop " + c.id + ": ";
  if (!HasIdForm(c.id, kCropIdPrefix)) {
    return InvalidArgument("appearance crop id '" + c.id + "': expected crp_ and 16 hex digits");
  }
  if (c.shot.empty() || c.render_id.empty() || c.double_id.empty()) {
    return InvalidArgument(what + "the shot, render and double must be named");
  }
  if (c.frame < kMinFrame || c.frame > kMaxFrame) {
    return InvalidArgument(what + "frame " + std::to_string(c.frame) + " is out of range");
  }
  if (!std::isfinite(c.pixels) || c.pixels <= 0) {
    return InvalidArgument(what + "expected a coverage of more than 0 pixels");
  }
  if (c.width < 1 || c.width > kMaxSide || c.height < 1 || c.height > kMaxSide) {
    return InvalidArgument(what + "size " + std::to_string(c.width) + "x" +
                           std::to_string(c.height) + ", expected 1..4096 pixels a side");
  }
  const bool hex = c.blob_id.size() == kBlobIdDigits &&
                   c.blob_id.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (!hex) return InvalidArgument(what + "blob id: expected 64 lowercase hex digits");
  return Status::Ok();
}

}  // namespace

Status PutAppearanceCrop(Registry& registry, const AppearanceCropRow& crop) {
  FIGURANT_RETURN_IF_ERROR(ValidateCrop(crop));
  FIGURANT_RETURN_IF_ERROR(registry.GetPerformer(crop.performer_id).status());
  FIGURANT_RETURN_IF_ERROR(registry.GetProduction(crop.production_id).status());
  return registry.InTransaction([&]() -> Status {
    // One crop per (performer, production, shot): a better one replaces the row, id kept.
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s,
        registry.database().Prepare(
            "INSERT INTO appearance_crops (" + std::string(kCropColumns) +
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (performer_id, production_id, shot) DO UPDATE SET frame = excluded.frame, "
            "render_id = excluded.render_id, double_id = excluded.double_id, "
            "pixels = excluded.pixels, width = excluded.width, height = excluded.height, "
            "blob_id = excluded.blob_id, created_at = excluded.created_at"));
    s.Bind(1, crop.id).Bind(2, crop.performer_id).Bind(3, crop.production_id).Bind(4, crop.shot);
    s.Bind(5, crop.frame).Bind(6, crop.render_id).Bind(7, crop.double_id);
    s.BindDouble(8, crop.pixels).Bind(9, int64_t{crop.width}).Bind(10, int64_t{crop.height});
    s.Bind(11, crop.blob_id).Bind(12, crop.created_at);
    return s.Run().WithContext("appearance crop of " + crop.performer_id + " in " +
                               crop.production_id + "/" + crop.shot);
  });
}

Result<std::optional<AppearanceCropRow>> FindAppearanceCrop(Registry& registry,
                                                            const std::string& performer_id,
                                                            const std::string& production_id,
                                                            const std::string& shot) {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s, registry.database().Prepare(
                       "SELECT " + std::string(kCropColumns) +
                       " FROM appearance_crops WHERE performer_id = ? AND production_id = ? "
                       "AND shot = ?"));
  s.Bind(1, performer_id).Bind(2, production_id).Bind(3, shot);
  return internal::ReadOptional(s, ReadCrop);
}

Result<AppearanceCropRow> GetAppearanceCrop(Registry& registry, const std::string& id) {
  FIGURANT_ASSIGN_OR_RETURN(Statement s,
                            registry.database().Prepare("SELECT " + std::string(kCropColumns) +
                                                        " FROM appearance_crops WHERE id = ?"));
  s.Bind(1, id);
  FIGURANT_ASSIGN_OR_RETURN(std::optional<AppearanceCropRow> crop,
                            internal::ReadOptional(s, ReadCrop));
  if (!crop) return NotFound("no appearance crop " + id);
  return *std::move(crop);
}

Result<std::vector<AppearanceCropRow>> ListAppearanceCrops(Registry& registry,
                                                           const std::string& performer_id) {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s,
      registry.database().Prepare(
          "SELECT " + std::string(kCropColumns) +
          " FROM appearance_crops WHERE performer_id = ? ORDER BY production_id, shot"));
  s.Bind(1, performer_id);
  return internal::ReadAll(s, ReadCrop);
}

Status DeleteAppearanceCrops(Registry& registry, const std::string& performer_id) {
  return registry.InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s,
        registry.database().Prepare("DELETE FROM appearance_crops WHERE performer_id = ?"));
    s.Bind(1, performer_id);
    return s.Run().WithContext("forgetting the appearance crops of " + performer_id);
  });
}

}  // namespace figurant::registry
