// The parts of the assertion check (assertion.cpp) and the registration check (registration.cpp)
// that are the same step in both (docs/passkeys.md): the client data and the authenticator data's
// relying party and user flags. Private to the webauthn module. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "webauthn/assertion.h"

namespace figurant::webauthn::internal {

// `text` (clientDataJSON) is JSON of at most kMaxClientDataBytes whose `type` is `type`
// ("webauthn.get" or "webauthn.create"), `challenge` the base64url of expected.challenge,
// `origin` expected.origin and `crossOrigin` absent or false. PermissionDenied naming the member
// and what it holds; InvalidArgument when the text is too long or not a JSON object.
Status CheckClientData(const Expected& expected, const std::string& text, std::string_view type);

// `data` (authenticatorData) is at least kAuthenticatorDataMinBytes long (InvalidArgument), its
// rpIdHash is SHA-256 of expected.rp_id and its flags have UP and UV set (PermissionDenied
// naming which). Returns the flags byte.
Result<uint8_t> CheckRelyingPartyAndUser(const Expected& expected, const Bytes& data);

// The big-endian signCount of authenticatorData (bytes 33..36). Requires data.size() >= 37.
uint32_t SignCountOf(const Bytes& data);

}  // namespace figurant::webauthn::internal
