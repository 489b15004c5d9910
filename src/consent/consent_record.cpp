#include "consent/consent_record.h"

#include "core/names.h"

namespace figurant::consent {
namespace {

constexpr Entry<Representation, std::string_view> kRepresentationNames[] = {
    {Representation::kUnion, "union"},
    {Representation::kCounsel, "counsel"},
    {Representation::kNone, "none"},
};

}  // namespace

std::string_view RepresentationName(Representation r) {
  return Lookup(kRepresentationNames, r, "none");
}

std::optional<Representation> ParseRepresentation(std::string_view s) {
  return KeyOf(kRepresentationNames, s);
}

std::string ConsentMessage(const ConsentRecord& r) {
  std::string m = "figurant-consent-v1\n";
  m += "licence=" + r.licence_id + "\n";
  m += "performer=" + r.performer_id + "\n";
  m += "studio=" + r.studio_id + "\n";
  m += "terms_sha256=" + r.terms_sha256 + "\n";
  m += "disclosure_sha256=" + r.disclosure_sha256 + "\n";
  m += "language=" + std::string(LanguageCode(r.language)) + "\n";
  m += "signed_at=" + FormatTimestamp(r.signed_at) + "\n";
  m += std::string("signer=") + (r.signer == Signer::kEstate ? "estate" : "performer") + ":" +
       r.signer_id + "\n";
  m += "representation=" + std::string(RepresentationName(r.representation)) + "\n";
  return m;
}

void SignConsent(ConsentRecord& record, std::string_view terms_text, const SigningKeyPair& key) {
  record.terms_sha256 = Sha256Hex(terms_text);
  record.disclosure_sha256 = Sha256Hex(record.disclosure_text);
  record.public_key.assign(key.public_key.begin(), key.public_key.end());
  const auto sig = SignDetached(ConsentMessage(record), key);
  record.signature.assign(sig.begin(), sig.end());
}

Status VerifyConsent(const ConsentRecord& r, std::string_view terms_text,
                     const Bytes& expected_public_key) {
  if (Sha256Hex(r.disclosure_text) != r.disclosure_sha256) {
    return DataLoss("licence " + r.licence_id +
                    ": disclosure text does not match the signed disclosure hash");
  }
  return VerifyConsentByHash(r, terms_text, expected_public_key);
}

Status VerifyConsentByHash(const ConsentRecord& r, std::string_view terms_text,
                           const Bytes& expected_public_key) {
  if (Sha256Hex(terms_text) != r.terms_sha256) {
    return DataLoss("licence " + r.licence_id + ": terms do not match the signed terms hash");
  }
  if (r.public_key != expected_public_key) {
    return DataLoss("licence " + r.licence_id + ": signed with a key that is not the signer's");
  }
  if (!VerifyDetached(ConsentMessage(r), r.signature.data(), r.signature.size(),
                      expected_public_key.data(), expected_public_key.size())) {
    return DataLoss("licence " + r.licence_id + ": consent signature does not verify");
  }
  return Status::Ok();
}

}  // namespace figurant::consent
