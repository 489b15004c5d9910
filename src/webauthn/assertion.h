// Verifying a WebAuthn assertion (a passkey's signature) exactly as docs/passkeys.md states it:
// the check the portal makes when a performer signs or logs in with a passkey, and that an auditor
// repeats from the ledger. ES256 signatures are checked with OpenSSL's libcrypto, EdDSA (Ed25519)
// ones with libsodium (InitCrypto first). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/crypto.h"
#include "core/status.h"

namespace figurant::webauthn {

// COSE algorithm identifiers the bank accepts (IANA "COSE Algorithms").
enum class Algorithm : int { kEs256 = -7, kEdDsa = -8 };
// "ES256", "EdDSA"
std::string_view AlgorithmName(Algorithm alg);
// InvalidArgument for any other COSE value.
Result<Algorithm> AlgorithmFromCose(int64_t cose);

// A credential as the bank stores it at enrolment (docs/passkeys.md, "What is stored").
struct Credential {
  Bytes id;  // rawId [Limits: 16..1023 bytes]
  Algorithm algorithm = Algorithm::kEs256;
  Bytes public_key_spki;  // DER SubjectPublicKeyInfo: a P-256 key (ES256) or an Ed25519 key (EdDSA)
  uint32_t sign_count = 0;
};

// OK when `credential` is one the bank may store: its id within limits and its public key a valid
// SubjectPublicKeyInfo of its algorithm's key type. InvalidArgument naming the field otherwise.
Status CheckCredential(const Credential& credential);

// What the relying party expects of an assertion.
struct Expected {
  Bytes challenge;     // the bytes passed as publicKey.challenge (a consent: ConsentChallenge)
  std::string origin;  // exactly as clientDataJSON states it, e.g. "https://bank.example"
  std::string rp_id;   // e.g. "bank.example"
};

// An assertion as the browser returns it (AuthenticatorAssertionResponse), bytes as received.
struct Assertion {
  Bytes credential_id;
  Bytes authenticator_data;
  std::string client_data_json;  // [Limits: <= kMaxClientDataBytes]
  Bytes signature;
};

inline constexpr size_t kMaxClientDataBytes = 64 << 10;
inline constexpr size_t kAuthenticatorDataMinBytes = 37;  // rpIdHash 32, flags 1, signCount 4

// The flags byte of authenticatorData.
inline constexpr uint8_t kFlagUserPresent = 0x01;
inline constexpr uint8_t kFlagUserVerified = 0x04;
inline constexpr uint8_t kFlagAttestedData = 0x40;
inline constexpr uint8_t kFlagExtensionData = 0x80;

struct Verified {
  uint32_t sign_count = 0;  // to store for the next assertion
  uint8_t flags = 0;
};

// The check of docs/passkeys.md, steps 1 to 5 in order. PermissionDenied naming the step and what
// was found when the assertion is not the credential's signature over the expected challenge for
// the expected origin and relying party (wrong id, type, challenge, origin, crossOrigin, rpIdHash,
// flags, a sign count that did not advance, a signature that does not verify); InvalidArgument
// when a part is malformed (clientDataJSON not JSON or too long, authenticatorData too short).
// Safe for untrusted input.
Result<Verified> VerifyAssertion(const Credential& credential, const Expected& expected,
                                 const Assertion& assertion);

// base64url without padding (RFC 4648 §5), as clientDataJSON carries the challenge.
std::string Base64Url(const Bytes& bytes);
// The bytes of base64url text without padding (the inverse of Base64Url). InvalidArgument for
// any other character, padding or a length no encoding has. Safe for untrusted input.
Result<Bytes> FromBase64Url(std::string_view text);

// A credential's fingerprint: SHA-256 of its public key's SubjectPublicKeyInfo DER. A passkey
// enrolled as a signer key is known by it wherever a 32-byte key identifies a signer's key
// (docs/passkeys.md, docs/keys.md "Passkeys").
Sha256Digest Fingerprint(const Bytes& public_key_spki);

// A credential with the relying party it was registered for: the origin and relying-party id
// every assertion of it must state (a passkey's key_enrolled ledger entry carries them).
struct Passkey {
  Credential credential;
  std::string origin;  // e.g. "https://bank.example"
  std::string rp_id;   // e.g. "bank.example"
};

}  // namespace figurant::webauthn
