// WebAuthn Level 2, §7.1 "Registering a New Credential", for attestation "none"; the exact steps
// are docs/passkeys.md's.
#include "webauthn/registration.h"

#include <algorithm>

#include "webauthn/internal/checks.h"

namespace figurant::webauthn {
namespace {

// Step 3: the credential id in the attested credential data that follows the 37-byte header.
Status CheckAttestedId(const Bytes& data, const Bytes& raw_id) {
  const size_t id_length_at = kAuthenticatorDataMinBytes + kAaguidBytes;
  const size_t id_at = id_length_at + kCredentialIdLengthBytes;
  if (data.size() < id_at) {
    return InvalidArgument("authenticatorData: " + std::to_string(data.size()) +
                           " bytes, too short for the attested credential data its flag AT "
                           "announces");
  }
  const size_t length = (size_t{data[id_length_at]} << 8) | data[id_length_at + 1];
  if (data.size() < id_at + length) {
    return InvalidArgument("authenticatorData: the attested credential id of " +
                           std::to_string(length) + " bytes runs past its end");
  }
  if (!std::equal(raw_id.begin(), raw_id.end(), data.begin() + static_cast<ptrdiff_t>(id_at),
                  data.begin() + static_cast<ptrdiff_t>(id_at + length))) {
    return PermissionDenied("the attested credential id is not rawId");
  }
  return Status::Ok();
}

}  // namespace

Result<Credential> VerifyRegistration(const Expected& expected, const Registration& r) {
  FIGURANT_RETURN_IF_ERROR(
      internal::CheckClientData(expected, r.client_data_json, "webauthn.create"));
  FIGURANT_ASSIGN_OR_RETURN(const uint8_t flags,
                            internal::CheckRelyingPartyAndUser(expected, r.authenticator_data));
  if ((flags & kFlagAttestedData) == 0) {
    return PermissionDenied("flag AT (attested credential data) not set: not a registration");
  }
  FIGURANT_RETURN_IF_ERROR(CheckAttestedId(r.authenticator_data, r.raw_id));
  FIGURANT_ASSIGN_OR_RETURN(const Algorithm algorithm, AlgorithmFromCose(r.algorithm));
  Credential credential{r.raw_id, algorithm, r.public_key_spki,
                        internal::SignCountOf(r.authenticator_data)};
  FIGURANT_RETURN_IF_ERROR(CheckCredential(credential));
  return credential;
}

}  // namespace figurant::webauthn
