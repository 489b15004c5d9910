#include "consent/production_declaration.h"

#include <nlohmann/json.hpp>

#include "consent/terms.h"
#include "core/ids.h"

namespace figurant::consent {

namespace {
constexpr std::string_view kDeclarationTag = "figurant-production-v1\n";
}  // namespace

std::string DeclarationMessage(const ProductionDeclaration& d) {
  const nlohmann::json body = {{"production", d.production_id},
                               {"studio", d.studio_id},
                               {"title", d.title},
                               {"media", d.media},
                               {"territories", d.territories},
                               {"content", d.content},
                               {"fps", d.frame_rate.Text()}};
  return std::string(kDeclarationTag) +
         body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

SignedProduction SignProduction(ProductionDeclaration declaration, const SigningKeyPair& key) {
  SignedProduction p;
  p.declaration = std::move(declaration);
  p.public_key = key.public_key;
  p.signature = SignDetached(DeclarationMessage(p.declaration), key);
  return p;
}

Status VerifyProduction(const SignedProduction& p) {
  if (!VerifyDetached(DeclarationMessage(p.declaration), p.signature.data(), p.signature.size(),
                      p.public_key.data(), p.public_key.size())) {
    return DataLoss("production " + p.declaration.production_id +
                    ": the studio's signature does not verify over its declared facts");
  }
  return Status::Ok();
}

Status ValidateDeclaration(const ProductionDeclaration& d) {
  if (!HasIdForm(d.production_id, id_prefix::kProduction)) {
    return InvalidArgument("production id '" + d.production_id +
                           "' is not of the form prd_<16 hex>");
  }
  if (d.title.find_first_not_of(" \t\r\n") == std::string::npos) {
    return InvalidArgument("production title must not be empty");
  }
  FIGURANT_RETURN_IF_ERROR(ValidateMedia(d.media, "media").WithContext("production"));
  FIGURANT_RETURN_IF_ERROR(
      ValidateTerritories(d.territories, "territories").WithContext("production"));
  return ValidateContent(d.content, "content").WithContext("production");
}

}  // namespace figurant::consent
