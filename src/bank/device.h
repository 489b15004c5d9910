// The signer's side of signing, for programs that stand in for the devices performers and estates
// hold: `figurant demo` and tests. The bank itself never calls this: it never holds a signer's
// private key. A Device makes a key per signer, enrols its public half through the bank's
// enrolment (InviteSigner, EnrolKey), and signs offers with the consent library exactly as
// `figurant key sign` does (consent::RecordFor, consent::SignConsent), handing the record to
// Bank::SignLicenceWith. Not thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "bank/bank.h"

namespace figurant::bank {

class Device {
 public:
  // `folder` non-empty: each key is also written there (mode 0600, as `figurant key new` without
  // a passphrase) as <signer id>.ed25519, as a device would keep it.
  explicit Device(std::filesystem::path folder = {}) : folder_(std::move(folder)) {}
  ~Device();
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  // Makes and enrols a key for the performer (or their estate, with Signer::kEstate) unless this
  // device holds one already. The errors of InviteSigner and EnrolKey.
  Status Enrol(Bank& bank, const std::string& performer_id,
               consent::Signer signer = consent::Signer::kPerformer);
  // Signs the licence's offer (Bank::OfferFor) now with its signer's key, enrolling one first if
  // needed, and records it (Bank::SignLicenceWith). The errors of those.
  Result<LicenceView> Sign(Bank& bank, const std::string& licence_id,
                           consent::Representation representation = consent::Representation::kNone);
  // Signs `licence_id` as its offer stands, with the key this device holds for the signer, at
  // `signed_at`: the record, not yet handed to the bank (to re-confirm a custodial consent, or
  // for tests that alter it). NotFound when the device holds no key for the signer.
  Result<consent::ConsentRecord> SignOffer(const consent::Offer& offer,
                                           consent::Representation representation,
                                           UnixSeconds signed_at) const;
  // The key held for `signer_id`, if any.
  const SigningKeyPair* KeyOf(const std::string& signer_id) const;

 private:
  std::filesystem::path folder_;
  std::map<std::string, SigningKeyPair> keys_;  // by signer id
};

}  // namespace figurant::bank
