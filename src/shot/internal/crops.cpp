#include "shot/internal/crops.h"

#include "render/appearance_crop.h"

namespace figurant::shot::internal {

Result<double> CropKeeper::Kept(const std::string& performer) {
  if (auto it = kept_.find(performer); it != kept_.end()) return it->second;
  FIGURANT_ASSIGN_OR_RETURN(const double pixels,
                            bank_.KeptCropPixels(performer, production_, shot_));
  kept_[performer] = pixels;
  return pixels;
}

Status CropKeeper::Add(const render::Frame& frame, const std::vector<CastAgent>& agents) {
  // Each real performer's largest agent in the frame.
  std::map<std::string, const render::AgentCoverage*> largest;
  for (const render::AgentCoverage& c : frame.coverage) {
    const CastAgent& a = agents.at(static_cast<size_t>(c.agent));
    if (a.synthetic || c.pixels <= 0 || c.bbox[2] < c.bbox[0]) continue;
    const render::AgentCoverage*& best = largest[a.performer_id];
    if (best == nullptr || c.pixels > best->pixels) best = &c;
  }
  for (const auto& [performer, c] : largest) {
    FIGURANT_ASSIGN_OR_RETURN(const double kept, Kept(performer));
    if (c->pixels <= kept) continue;
    std::vector<bool> in_matte(agents.size(), false);
    for (size_t i = 0; i < agents.size(); ++i) in_matte[i] = agents[i].performer_id == performer;
    FIGURANT_ASSIGN_OR_RETURN(render::AppearanceCrop crop,
                              render::CropAppearance(frame, c->bbox, in_matte));
    const CastAgent& a = agents.at(static_cast<size_t>(c->agent));
    FIGURANT_RETURN_IF_ERROR(bank_
                                 .KeepAppearanceCrop({performer, production_, shot_, frame.frame,
                                                      render_id_, a.double_id, c->pixels,
                                                      crop.width, crop.height, std::move(crop.png)})
                                 .status()
                                 .WithContext("keeping the appearance crop of " + performer));
    kept_[performer] = c->pixels;
  }
  return Status::Ok();
}

}  // namespace figurant::shot::internal
