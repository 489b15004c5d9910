#include "api/session.h"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "registry/users.h"

namespace figurant::api {

namespace {

std::string RandomToken() {
  std::array<uint8_t, kTokenBytes> bytes{};
  RandomBytes(bytes.data(), bytes.size());
  std::string hex = ToHex(bytes);
  SecureZero(bytes.data(), bytes.size());
  return hex;
}

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

Result<NewSession> StartSession(registry::Registry& registry, const Clock& clock,
                                const SessionPolicy& policy, const Principal& who) {
  NewSession s{RandomToken(), RandomToken(), clock.Now() + policy.absolute_seconds};
  const UnixSeconds now = clock.Now();
  FIGURANT_RETURN_IF_ERROR(registry::DeleteExpiredSessions(registry, now - policy.idle_seconds,
                                                           now - policy.absolute_seconds));
  FIGURANT_RETURN_IF_ERROR(registry::InsertSession(
      registry, {Sha256Hex(s.token), who.user_id, Sha256Hex(s.csrf_token), now, now}));
  return s;
}

Result<ActiveSession> ResumeSession(registry::Registry& registry, const Clock& clock,
                                    const SessionPolicy& policy, std::string_view cookie_header) {
  const std::string_view token = CookieValue(cookie_header, kSessionCookie);
  if (token.size() != 2 * kTokenBytes || !IsLowerHex(token)) {
    return Unauthenticated("no session: log in first");
  }
  const std::string hash = Sha256Hex(token);
  FIGURANT_ASSIGN_OR_RETURN(std::optional<registry::Session> stored,
                            registry::GetSession(registry, hash));
  if (!stored) return Unauthenticated("unknown or ended session: log in again");
  const UnixSeconds now = clock.Now();
  if (now - stored->last_seen_at > policy.idle_seconds ||
      now - stored->created_at > policy.absolute_seconds) {
    FIGURANT_RETURN_IF_ERROR(registry::DeleteSession(registry, hash));
    return Unauthenticated("session expired: log in again");
  }
  auto user = registry::GetUser(registry, stored->user_id);
  if (!user.ok()) return Unauthenticated("the session's user no longer exists");
  if (now - stored->last_seen_at >= kTouchIntervalS) {
    FIGURANT_RETURN_IF_ERROR(registry::TouchSession(registry, hash, now));
  }
  return ActiveSession{{user->id, user->role, user->subject_id}, hash, stored->csrf_sha256};
}

bool CsrfMatches(const ActiveSession& session, std::string_view header_value) {
  if (header_value.empty()) return false;
  const std::string given = Sha256Hex(header_value);
  return given.size() == session.csrf_sha256.size() &&
         sodium_memcmp(given.data(), session.csrf_sha256.data(), given.size()) == 0;
}

std::string_view CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t end = header.find(';');
    std::string_view pair = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=') {
      return pair.substr(name.size() + 1);
    }
  }
  return {};
}

std::string SessionCookie(std::string_view token, int64_t max_age_seconds) {
  return std::string(kSessionCookie) + "=" + std::string(token) +
         "; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=" +
         std::to_string(token.empty() ? 0 : max_age_seconds);
}

std::string CsrfCookie(std::string_view csrf_token, int64_t max_age_seconds) {
  return std::string(kCsrfCookie) + "=" + std::string(csrf_token) +
         "; Path=/; Secure; SameSite=Strict; Max-Age=" +
         std::to_string(csrf_token.empty() ? 0 : max_age_seconds);
}

}  // namespace figurant::api
