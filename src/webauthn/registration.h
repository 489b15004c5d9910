// Verifying a WebAuthn registration (navigator.credentials.create with attestation "none")
// exactly as docs/passkeys.md ("The registration check") states it: the check the bank makes
// before it stores a performer's passkey. No CBOR parser: the public key is the SPKI the browser
// reports (getPublicKey()), the attested credential data is read only as far as the credential
// id. Pure function; thread-safe; InitCrypto first.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "webauthn/assertion.h"

namespace figurant::webauthn {

// What the page sends back from the PublicKeyCredential and its AuthenticatorAttestationResponse,
// bytes as received.
struct Registration {
  Bytes raw_id;                  // rawId [Limits: 16..1023 bytes]
  Bytes public_key_spki;         // getPublicKey(): DER SubjectPublicKeyInfo
  int64_t algorithm = 0;         // getPublicKeyAlgorithm(): a COSE number, -7 or -8 accepted
  Bytes authenticator_data;      // getAuthenticatorData()
  std::string client_data_json;  // [Limits: <= kMaxClientDataBytes]
};

// Bytes of attested credential data before the credential id: AAGUID 16, id length 2.
inline constexpr size_t kAaguidBytes = 16;
inline constexpr size_t kCredentialIdLengthBytes = 2;

// The check of docs/passkeys.md, registration steps 1 to 4 in order. On success the credential to
// store: {raw_id, the algorithm, public_key_spki, the sign count of authenticatorData}.
// PermissionDenied naming the step and what was found (type, challenge, origin, crossOrigin,
// rpIdHash, flags UP/UV/AT, an attested credential id that is not rawId); InvalidArgument for a
// malformed part (clientDataJSON, authenticatorData shorter than what it announces, an algorithm
// other than -7/-8, a key not of the algorithm's type, an id out of limits). Safe for untrusted
// input.
Result<Credential> VerifyRegistration(const Expected& expected, const Registration& registration);

}  // namespace figurant::webauthn
