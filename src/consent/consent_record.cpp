#include "consent/consent_record.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "consent/internal/lower_hex.h"
#include "core/names.h"

namespace figurant::consent {
namespace {

constexpr Entry<Representation, std::string_view> kRepresentationNames[] = {
    {Representation::kUnion, "union"},
    {Representation::kCounsel, "counsel"},
    {Representation::kNone, "none"},
};

constexpr Entry<Signer, std::string_view> kSignerNames[] = {
    {Signer::kPerformer, "performer"},
    {Signer::kEstate, "estate"},
};

constexpr std::string_view kMessageV1Magic = "figurant-consent-v1";
constexpr std::string_view kMessageV2Magic = "figurant-consent-v2";
constexpr size_t kSha256HexDigits = 2 * kSha256Bytes;

using Field = std::pair<std::string_view, std::string>;

// The version 2 message's fields, in the order the message writes them.
std::vector<Field> MessageV2Fields(const ConsentRecord& r) {
  return {{"licence", r.licence_id},
          {"performer", r.performer_id},
          {"studio", r.studio_id},
          {"terms_sha256", r.terms_sha256},
          {"disclosure_sha256", r.disclosure_sha256},
          {"language", std::string(LanguageCode(r.language))},
          {"signed_at", FormatTimestamp(r.signed_at)},
          {"representation", std::string(RepresentationName(r.representation))},
          {"signer_role", std::string(SignerName(r.signer))},
          {"signer", r.signer_id}};
}

// The first version, byte for byte as banks signed it before version 2.
std::string MessageV1(const ConsentRecord& r) {
  std::string m = std::string(kMessageV1Magic) + "\n";
  m += "licence=" + r.licence_id + "\n";
  m += "performer=" + r.performer_id + "\n";
  m += "studio=" + r.studio_id + "\n";
  m += "terms_sha256=" + r.terms_sha256 + "\n";
  m += "disclosure_sha256=" + r.disclosure_sha256 + "\n";
  m += "language=" + std::string(LanguageCode(r.language)) + "\n";
  m += "signed_at=" + FormatTimestamp(r.signed_at) + "\n";
  m += "signer=" + std::string(SignerName(r.signer)) + ":" + r.signer_id + "\n";
  m += "representation=" + std::string(RepresentationName(r.representation)) + "\n";
  return m;
}

std::string MessageV2(const ConsentRecord& r) {
  std::string m = std::string(kMessageV2Magic) + "\n";
  for (const auto& [key, value] : MessageV2Fields(r)) {
    m.append(key).append("=").append(value).append("\n");
  }
  return m;
}

}  // namespace

std::string_view RepresentationName(Representation r) {
  return Lookup(kRepresentationNames, r, "none");
}

std::optional<Representation> ParseRepresentation(std::string_view s) {
  return KeyOf(kRepresentationNames, s);
}

std::string_view SignerName(Signer s) { return Lookup(kSignerNames, s, "performer"); }

std::optional<Signer> ParseSigner(std::string_view s) { return KeyOf(kSignerNames, s); }

Status CheckConsentFields(const ConsentRecord& r) {
  if (r.version == kConsentMessageV1) return Status::Ok();
  if (r.version != kConsentMessageV2) {
    return InvalidArgument("consent record: version " + std::to_string(r.version) +
                           " is not a consent message version (1 or 2)");
  }
  for (const auto& [key, value] : MessageV2Fields(r)) {
    if (value.empty()) {
      return InvalidArgument("consent record: field '" + std::string(key) + "' is empty");
    }
    if (value.find_first_of("\r\n") != std::string::npos) {
      return InvalidArgument("consent record: field '" + std::string(key) +
                             "' holds a line break; a signed value is one line");
    }
  }
  for (const auto& [key, value] :
       {Field{"terms_sha256", r.terms_sha256}, Field{"disclosure_sha256", r.disclosure_sha256}}) {
    if (!internal::IsLowerHex(value, kSha256HexDigits)) {
      return InvalidArgument("consent record: field '" + std::string(key) +
                             "': expected a SHA-256, 64 lowercase hex digits");
    }
  }
  return Status::Ok();
}

std::string ConsentMessage(const ConsentRecord& r) {
  if (!CheckConsentFields(r).ok()) return {};
  return r.version == kConsentMessageV1 ? MessageV1(r) : MessageV2(r);
}

std::array<uint8_t, kSha256Bytes> ConsentChallenge(const ConsentRecord& r) {
  if (!CheckConsentFields(r).ok()) return {};
  return Sha256(ConsentMessage(r));
}

Status SignConsent(ConsentRecord& record, std::string_view terms_text, const SigningKeyPair& key) {
  record.version = kConsentMessageV2;
  record.terms_sha256 = Sha256Hex(terms_text);
  record.disclosure_sha256 = Sha256Hex(record.disclosure_text);
  record.public_key.clear();
  record.signature.clear();
  FIGURANT_RETURN_IF_ERROR(CheckConsentFields(record));
  record.public_key.assign(key.public_key.begin(), key.public_key.end());
  const auto sig = SignDetached(ConsentMessage(record), key);
  record.signature.assign(sig.begin(), sig.end());
  return Status::Ok();
}

namespace {

// What every consent check does before it looks at the signature: the record can be written as a
// message, and its terms are the signed terms.
Status CheckSignedFields(const ConsentRecord& r, std::string_view terms_text) {
  if (Status fields = CheckConsentFields(r); !fields.ok()) {
    return DataLoss("licence " + r.licence_id + ": " + fields.message());
  }
  if (Sha256Hex(terms_text) != r.terms_sha256) {
    return DataLoss("licence " + r.licence_id + ": terms do not match the signed terms hash");
  }
  return Status::Ok();
}

Status CheckDisclosureText(const ConsentRecord& r) {
  if (Sha256Hex(r.disclosure_text) != r.disclosure_sha256) {
    return DataLoss("licence " + r.licence_id +
                    ": disclosure text does not match the signed disclosure hash");
  }
  return Status::Ok();
}

}  // namespace

Status VerifyConsent(const ConsentRecord& r, std::string_view terms_text,
                     const Bytes& expected_public_key) {
  FIGURANT_RETURN_IF_ERROR(CheckDisclosureText(r));
  return VerifyConsentByHash(r, terms_text, expected_public_key);
}

Status VerifyConsentByHash(const ConsentRecord& r, std::string_view terms_text,
                           const Bytes& expected_public_key) {
  FIGURANT_RETURN_IF_ERROR(CheckSignedFields(r, terms_text));
  if (r.public_key != expected_public_key) {
    return DataLoss("licence " + r.licence_id + ": signed with a key that is not the signer's");
  }
  if (!VerifyDetached(ConsentMessage(r), r.signature.data(), r.signature.size(),
                      expected_public_key.data(), expected_public_key.size())) {
    return DataLoss("licence " + r.licence_id + ": consent signature does not verify");
  }
  return Status::Ok();
}

Result<webauthn::Verified> VerifyPasskeyConsent(const ConsentRecord& r, std::string_view terms_text,
                                                const webauthn::Passkey& passkey) {
  FIGURANT_RETURN_IF_ERROR(CheckDisclosureText(r));
  return VerifyPasskeyConsentByHash(r, terms_text, passkey);
}

Result<webauthn::Verified> VerifyPasskeyConsentByHash(const ConsentRecord& r,
                                                      std::string_view terms_text,
                                                      const webauthn::Passkey& passkey) {
  FIGURANT_RETURN_IF_ERROR(CheckSignedFields(r, terms_text));
  if (!r.passkey) {
    return DataLoss("licence " + r.licence_id + ": the consent carries no passkey assertion");
  }
  const Sha256Digest fingerprint = webauthn::Fingerprint(passkey.credential.public_key_spki);
  if (!std::equal(r.public_key.begin(), r.public_key.end(), fingerprint.begin(),
                  fingerprint.end())) {
    return DataLoss("licence " + r.licence_id +
                    ": signed with a passkey that is not the signer's (its public_key is not the "
                    "fingerprint of the enrolled credential)");
  }
  const auto challenge = ConsentChallenge(r);
  const webauthn::Expected expected{Bytes(challenge.begin(), challenge.end()), passkey.origin,
                                    passkey.rp_id};
  const webauthn::Assertion assertion{passkey.credential.id, r.passkey->authenticator_data,
                                      r.passkey->client_data_json, r.passkey->signature};
  auto verified = webauthn::VerifyAssertion(passkey.credential, expected, assertion);
  if (!verified.ok()) {
    return verified.status().WithContext("licence " + r.licence_id + ": passkey assertion");
  }
  return verified;
}

}  // namespace figurant::consent
