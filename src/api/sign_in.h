// One-time sign-in codes (docs/api.md, "Sign-in codes"): an operator issues one for a user, who
// types it on the portal's log-in page to start one session without a key file on their device —
// a studio member on a new laptop, the demo's users. A code is 24 base32 characters in the form of
// an enrolment code (bank/enrolment.h, 120 random bits); the registry keeps only its SHA-256
// (registry/users.h, SignInCode). A code signs in; it never signs a consent.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/principal.h"
#include "core/clock.h"
#include "core/status.h"
#include "registry/registry.h"

namespace figurant::api {

// How long a code is valid unless the operator says otherwise, and at most. [Units: s]
inline constexpr int64_t kDefaultSignInCodeSeconds = 24 * 3600;
inline constexpr int64_t kMaxSignInCodeSeconds = 30 * 24 * 3600;

struct IssuedSignInCode {
  std::string code;  // shown once, never stored
  UnixSeconds expires_at = 0;
};

// A fresh code for `user_id`, valid for `valid_seconds` from now. NotFound for an unknown user;
// InvalidArgument ("valid_seconds") outside 1..kMaxSignInCodeSeconds.
Result<IssuedSignInCode> IssueSignInCode(registry::Registry& registry, const Clock& clock,
                                         const std::string& user_id, int64_t valid_seconds);

// The user a typed code signs in, the code used up. Unauthenticated, saying nothing about why,
// for a malformed, unknown, used or expired code, or a user that no longer exists.
Result<Principal> RedeemSignInCode(registry::Registry& registry, const Clock& clock,
                                   std::string_view typed);

}  // namespace figurant::api
