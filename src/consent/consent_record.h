// The consent record: proof that a performer (or their estate) agreed to exact terms after being
// shown an exact disclosure. An Ed25519 signature (libsodium) covers a canonical message binding
// the licence, the parties, SHA-256 of the canonical terms, SHA-256 of the disclosure text, the
// language, the signing time and the representation; change any of them and Verify fails. Terms
// that change therefore need a new signature.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "consent/check.h"
#include "consent/disclosure.h"
#include "core/clock.h"
#include "core/crypto.h"

namespace figurant::consent {

// Who advised the performer when they signed (California AB 2602).
enum class Representation { kUnion, kCounsel, kNone };
std::string_view RepresentationName(Representation r);  // "union", "counsel", "none"
std::optional<Representation> ParseRepresentation(std::string_view s);

struct ConsentRecord {
  std::string licence_id;
  std::string performer_id;
  std::string studio_id;
  std::string terms_sha256;       // hex SHA-256 of CanonicalTermsText(terms)
  std::string disclosure_text;    // exactly what was shown
  std::string disclosure_sha256;  // hex SHA-256 of disclosure_text
  Language language = Language::kEnglish;
  UnixSeconds signed_at = 0;
  Signer signer = Signer::kPerformer;
  std::string signer_id;  // performer id or estate id
  Bytes public_key;       // 32 bytes, the signer's Ed25519 public key
  Bytes signature;        // 64 bytes
  Representation representation = Representation::kNone;
};

// The exact bytes the signature covers (version-tagged, one field per line).
std::string ConsentMessage(const ConsentRecord& record);

// Fills the hashes from `terms_text` and record.disclosure_text, then signs with `key` (whose
// public half is stored in the record).
void SignConsent(ConsentRecord& record, std::string_view terms_text, const SigningKeyPair& key);

// OK when the record's hashes match `terms_text` and its disclosure text and the signature verifies
// under `expected_public_key`. DataLoss naming the mismatch otherwise (a tampered record).
Status VerifyConsent(const ConsentRecord& record, std::string_view terms_text,
                     const Bytes& expected_public_key);

// VerifyConsent for a record whose disclosure text was erased with the performer: the signature
// covers the disclosure's SHA-256, which is checked as stored; the text itself is not needed.
Status VerifyConsentByHash(const ConsentRecord& record, std::string_view terms_text,
                           const Bytes& expected_public_key);

}  // namespace figurant::consent
