#include "bank/device.h"

namespace figurant::bank {

Device::~Device() {
  for (auto& [id, key] : keys_) SecureZero(key.secret_key.data(), key.secret_key.size());
}

Status Device::Enrol(Bank& bank, const std::string& performer_id, consent::Signer signer) {
  FIGURANT_ASSIGN_OR_RETURN(const Invitation invitation, bank.InviteSigner(performer_id, signer));
  if (keys_.count(invitation.signer_id) != 0) return Status::Ok();
  SigningKeyPair key = GenerateSigningKeyPair();
  if (!folder_.empty()) {
    FIGURANT_RETURN_IF_ERROR(WriteSigningKey(folder_ / (invitation.signer_id + ".ed25519"), key));
  }
  FIGURANT_RETURN_IF_ERROR(bank.EnrolKey(invitation.code, key.public_key).status());
  keys_[invitation.signer_id] = key;
  SecureZero(key.secret_key.data(), key.secret_key.size());
  return Status::Ok();
}

Result<consent::ConsentRecord> Device::SignOffer(const consent::Offer& offer,
                                                 consent::Representation representation,
                                                 UnixSeconds signed_at) const {
  const SigningKeyPair* key = KeyOf(offer.signer_id);
  if (key == nullptr) return NotFound("this device holds no key for " + offer.signer_id);
  consent::ConsentRecord record = consent::RecordFor(offer, representation, signed_at);
  FIGURANT_RETURN_IF_ERROR(consent::SignConsent(record, offer.terms_text, *key));
  return record;
}

Result<LicenceView> Device::Sign(Bank& bank, const std::string& licence_id,
                                 consent::Representation representation) {
  FIGURANT_ASSIGN_OR_RETURN(const consent::Offer offer, bank.OfferFor(licence_id));
  if (KeyOf(offer.signer_id) == nullptr) {
    FIGURANT_RETURN_IF_ERROR(Enrol(bank, offer.performer_id, offer.signer));
  }
  FIGURANT_ASSIGN_OR_RETURN(const consent::ConsentRecord record,
                            SignOffer(offer, representation, bank.clock().Now()));
  return bank.SignLicenceWith(record);
}

const SigningKeyPair* Device::KeyOf(const std::string& signer_id) const {
  const auto it = keys_.find(signer_id);
  return it == keys_.end() ? nullptr : &it->second;
}

}  // namespace figurant::bank
