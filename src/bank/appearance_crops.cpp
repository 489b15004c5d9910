// Each performer's appearance crop of a shot (bank.h, "appearance crops"; docs/portal.md,
// "Appearance crops"): the PNG encrypted in their store, the registry's appearance_crops row
// (schema v9) saying which blob it is.
#include "registry/appearance_crops.h"

#include "bank/bank.h"
#include "core/ids.h"

namespace figurant::bank {

Result<double> Bank::KeptCropPixels(const std::string& performer_id,
                                    const std::string& production_id, const std::string& shot) {
  FIGURANT_ASSIGN_OR_RETURN(
      const std::optional<registry::AppearanceCropRow> kept,
      registry::FindAppearanceCrop(*registry_, performer_id, production_id, shot));
  return kept ? kept->pixels : 0.0;
}

Result<bool> Bank::KeepAppearanceCrop(const CropCandidate& crop) {
  FIGURANT_ASSIGN_OR_RETURN(const registry::Performer p,
                            registry_->GetPerformer(crop.performer_id));
  if (p.erased_at) return FailedPrecondition("performer " + p.id + " was erased");
  if (p.synthetic) return FailedPrecondition("performer " + p.id + " is synthetic: no one to show");
  FIGURANT_ASSIGN_OR_RETURN(
      const std::optional<registry::AppearanceCropRow> kept,
      registry::FindAppearanceCrop(*registry_, crop.performer_id, crop.production_id, crop.shot));
  if (kept && kept->pixels >= crop.pixels) return false;
  // The blob first: a crash before the row leaves an unreferenced ciphertext file, never a row
  // pointing at nothing.
  FIGURANT_ASSIGN_OR_RETURN(const std::string blob_id, blobs_->Put(crop.performer_id, crop.png));
  const registry::AppearanceCropRow row{kept ? kept->id : NewId(registry::kCropIdPrefix),
                                        crop.performer_id,
                                        crop.production_id,
                                        crop.shot,
                                        crop.frame,
                                        crop.render_id,
                                        crop.double_id,
                                        crop.pixels,
                                        crop.width,
                                        crop.height,
                                        blob_id,
                                        clock_.Now()};
  FIGURANT_RETURN_IF_ERROR(registry::PutAppearanceCrop(*registry_, row));
  if (kept && kept->blob_id != blob_id) {
    FIGURANT_RETURN_IF_ERROR(blobs_->Remove(crop.performer_id, kept->blob_id));
  }
  return true;
}

Result<std::string> Bank::AppearanceCropPng(const std::string& crop_id) {
  FIGURANT_ASSIGN_OR_RETURN(const registry::AppearanceCropRow row,
                            registry::GetAppearanceCrop(*registry_, crop_id));
  return blobs_->Get(row.performer_id, row.blob_id);
}

}  // namespace figurant::bank
