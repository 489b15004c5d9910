// The consent record: proof that a performer (or their estate) agreed to exact terms after being
// shown an exact disclosure. An Ed25519 signature (libsodium) covers a canonical message binding
// the licence, the parties, SHA-256 of the canonical terms, SHA-256 of the disclosure text, the
// language, the signing time, the representation and the signer; change any of them and Verify
// fails. Terms that change therefore need a new signature.
//
// A consent may instead be signed with a passkey (docs/passkeys.md): a WebAuthn assertion whose
// challenge is ConsentChallenge(record), verified with VerifyPasskeyConsent.
//
// The message's bytes are specified in docs/licence.md ("The signed payload"), with a test vector
// that consent_record_test.cpp reproduces. Version 2 is what is signed now; version 1 is the
// message banks signed before it, still verified so that consents already stored stay valid.
// Thread-safe (no state).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "consent/check.h"
#include "consent/disclosure.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "webauthn/assertion.h"

namespace figurant::consent {

// Who advised the performer when they signed (California AB 2602).
enum class Representation { kUnion, kCounsel, kNone };
std::string_view RepresentationName(Representation r);  // "union", "counsel", "none"
std::optional<Representation> ParseRepresentation(std::string_view s);

std::string_view SignerName(Signer s);  // "performer", "estate"
std::optional<Signer> ParseSigner(std::string_view s);

// Versions of the consent message (ConsentMessage).
inline constexpr int kConsentMessageV1 = 1;  // "figurant-consent-v1": verified, never signed now
inline constexpr int kConsentMessageV2 = 2;  // "figurant-consent-v2": what SignConsent signs

// What a passkey returned when it signed a consent (navigator.credentials.get with the challenge
// ConsentChallenge(record)), bytes exactly as the browser returned them. The credential that
// signed is the one the signer enrolled, known by its fingerprint (the record's public_key).
struct PasskeyProof {
  Bytes authenticator_data;
  std::string client_data_json;
  Bytes signature;  // ES256: ASN.1 DER ECDSA; EdDSA: 64 bytes
};

struct ConsentRecord {
  // Which message the signature covers. [Limits: kConsentMessageV1 or kConsentMessageV2] A record
  // read back from storage written before version 2 must say kConsentMessageV1.
  int version = kConsentMessageV2;
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
  // 32 bytes: the signer's Ed25519 public key or, for a passkey consent, the fingerprint of the
  // passkey's public key (webauthn::Fingerprint).
  Bytes public_key;
  Bytes signature;  // Ed25519, 64 bytes; empty for a passkey consent
  Representation representation = Representation::kNone;
  // Set exactly for a consent signed with a passkey.
  std::optional<PasskeyProof> passkey;
};

// OK when `record` can be written as a message of its version: the version is 1 or 2 and, for
// version 2, every value the message carries is non-empty and holds no line break (CR or LF) and
// both hashes are 64 lowercase hex digits. InvalidArgument naming the field otherwise: a value is
// refused, never escaped, so one message has exactly one reading. (Version 1 is checked for its
// version only: its records were written by banks that never let such values in.)
Status CheckConsentFields(const ConsentRecord& record);

// The exact bytes the signature covers: a first line naming the version, then one `key=value`
// line per field in a fixed order (docs/licence.md, "The signed payload"). Requires
// CheckConsentFields(record) to be OK; for a record that fails it the result is the empty string,
// which no consent signature is ever made or verified over.
std::string ConsentMessage(const ConsentRecord& record);

// SHA-256 of ConsentMessage(record): what a WebAuthn passkey signs as its challenge. Same
// requirement as ConsentMessage (all zero bytes for a record that fails CheckConsentFields).
std::array<uint8_t, kSha256Bytes> ConsentChallenge(const ConsentRecord& record);

// Sets record.version to kConsentMessageV2, fills the hashes from `terms_text` and
// record.disclosure_text, then signs with `key` (whose public half is stored in the record).
// InvalidArgument from CheckConsentFields, with the record's signature and key left empty.
Status SignConsent(ConsentRecord& record, std::string_view terms_text, const SigningKeyPair& key);

// OK when the record's hashes match `terms_text` and its disclosure text and the signature verifies
// under `expected_public_key`, over the message of the record's version (1 or 2). DataLoss naming
// the mismatch otherwise (a tampered record, or one no message can be written for).
Status VerifyConsent(const ConsentRecord& record, std::string_view terms_text,
                     const Bytes& expected_public_key);

// VerifyConsent for a record whose disclosure text was erased with the performer: the signature
// covers the disclosure's SHA-256, which is checked as stored; the text itself is not needed.
Status VerifyConsentByHash(const ConsentRecord& record, std::string_view terms_text,
                           const Bytes& expected_public_key);

// VerifyConsent for a consent signed with a passkey: the record's hashes match `terms_text` and
// its disclosure text; it carries a passkey proof; its public_key is the fingerprint of
// `passkey`'s public key (DataLoss naming the mismatch otherwise); and the proof is an assertion
// by `passkey` over ConsentChallenge(record) for its origin and relying party
// (webauthn::VerifyAssertion, whose counter rule uses passkey.credential.sign_count: 0 skips it).
// The assertion's refusal keeps its code (PermissionDenied, InvalidArgument), prefixed with the
// licence. On success the assertion's sign count and flags.
Result<webauthn::Verified> VerifyPasskeyConsent(const ConsentRecord& record,
                                                std::string_view terms_text,
                                                const webauthn::Passkey& passkey);
// The same for a record whose disclosure text was erased (as VerifyConsentByHash).
Result<webauthn::Verified> VerifyPasskeyConsentByHash(const ConsentRecord& record,
                                                      std::string_view terms_text,
                                                      const webauthn::Passkey& passkey);

}  // namespace figurant::consent
