// Sessions after log-in (docs/api.md, "Sessions" and "CSRF"): a random 256-bit token in a cookie,
// stored only as its SHA-256 (registry/users.h), with an idle and an absolute expiry, and a CSRF
// token every state-changing request must echo in X-CSRF-Token.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/principal.h"
#include "core/clock.h"
#include "core/status.h"
#include "registry/registry.h"

namespace figurant::api {

// The session cookie. "__Host-" makes browsers insist on Secure, Path=/ and no Domain.
inline constexpr std::string_view kSessionCookie = "__Host-figurant_session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";
// The CSRF token again, in a cookie the portal's scripts read (not HttpOnly) to fill in
// X-CSRF-Token: a page of another site can neither read it nor send the header.
inline constexpr std::string_view kCsrfCookie = "__Host-figurant_csrf";
// Random bytes in a session token and in a CSRF token. [Units: bytes]
inline constexpr size_t kTokenBytes = 32;
// last_seen_at is written at most this often, so reads do not each write. [Units: s]
inline constexpr int64_t kTouchIntervalS = 60;

struct SessionPolicy {
  int64_t idle_seconds = 12 * 3600;          // [Units: s] [Limits: > 0] ends after this idle
  int64_t absolute_seconds = 7 * 24 * 3600;  // [Units: s] [Limits: > 0] ends this long after log-in
};

// A session just started: the tokens, given to the client once and never stored.
struct NewSession {
  std::string token;           // 64 lowercase hex digits, the cookie's value
  std::string csrf_token;      // 64 lowercase hex digits, for X-CSRF-Token
  UnixSeconds expires_at = 0;  // the absolute expiry
};

// A session a request presented, still valid.
struct ActiveSession {
  Principal principal;
  std::string token_sha256;
  std::string csrf_sha256;
};

Result<NewSession> StartSession(registry::Registry& registry, const Clock& clock,
                                const SessionPolicy& policy, const Principal& who);

// The session whose token `cookie_header` (a whole Cookie header) carries. Unauthenticated when
// there is none, it is unknown, or it has expired (an expired session is deleted).
Result<ActiveSession> ResumeSession(registry::Registry& registry, const Clock& clock,
                                    const SessionPolicy& policy, std::string_view cookie_header);

// Whether `header_value` is the session's CSRF token, compared in constant time (over hashes).
bool CsrfMatches(const ActiveSession& session, std::string_view header_value);

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "" when absent. The value is the
// client's: untrusted.
std::string_view CookieValue(std::string_view header, std::string_view name);

// The Set-Cookie value carrying `token` (HttpOnly; Secure; SameSite=Strict; Path=/), or clearing
// the cookie when `token` is empty.
std::string SessionCookie(std::string_view token, int64_t max_age_seconds);
// The Set-Cookie value carrying the CSRF token (Secure; SameSite=Strict; Path=/; readable by the
// page's scripts), or clearing it when `csrf_token` is empty.
std::string CsrfCookie(std::string_view csrf_token, int64_t max_age_seconds);

}  // namespace figurant::api
