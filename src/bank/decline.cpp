// A performer declining an offer (bank.h, DeclineLicence; docs/licence.md, "Declining an offer"):
// the draft stays a draft in the registry, and a declined_offers row (schema v6) says it may no
// longer be offered or signed.
#include "bank/bank.h"

namespace figurant::bank {

Status Bank::CheckNotDeclined(const registry::Licence& licence) {
  FIGURANT_ASSIGN_OR_RETURN(const std::optional<registry::DeclinedOffer> declined,
                            registry_->GetDeclinedOffer(licence.id));
  if (!declined) return Status::Ok();
  return FailedPrecondition("licence " + licence.id + " was declined on " +
                            DateOf(declined->declined_at).ToString() +
                            " by its performer: a declined offer is never signed; the studio may "
                            "offer again with a new draft");
}

Result<LicenceView> Bank::DeclineLicence(const std::string& licence_id, const std::string& reason) {
  if (reason.size() > registry::kMaxDeclineReasonBytes) {
    return InvalidArgument("field 'reason': " + std::to_string(reason.size()) +
                           " bytes, over the limit of " +
                           std::to_string(registry::kMaxDeclineReasonBytes));
  }
  FIGURANT_ASSIGN_OR_RETURN(const registry::Licence licence, registry_->GetLicence(licence_id));
  if (licence.state != registry::LicenceState::kDraft) {
    return FailedPrecondition("licence " + licence_id + " is " +
                              std::string(registry::LicenceStateName(licence.state)) +
                              ": only a draft (an offer awaiting signature) can be declined");
  }
  const Status declinable = registry_->InTransaction([&]() -> Status {
    FIGURANT_RETURN_IF_ERROR(CheckNotDeclined(licence));
    registry::DeclinedOffer row;
    row.licence_id = licence_id;
    row.declined_at = clock_.Now();
    row.reason = reason;
    return registry_->InsertDeclinedOffer(row);
  });
  FIGURANT_RETURN_IF_ERROR(declinable);
  return GetLicence(licence_id);
}

}  // namespace figurant::bank
