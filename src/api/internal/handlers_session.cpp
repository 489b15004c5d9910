// POST /login/challenge, POST /login, GET and DELETE /session (docs/api.md, "Logging in").
#include "api/body.h"
#include "api/internal/handlers.h"
#include "api/sign_in.h"

namespace figurant::api::internal {

namespace {

using nlohmann::json;

// Every failed log-in answers the same, whatever failed (unknown user, used or expired challenge,
// bad signature): a guesser learns nothing about which.
Status LogInFailed() { return Unauthenticated("log-in failed"); }

json PrincipalJson(const Principal& p) {
  return {{"user", p.user_id},
          {"role", registry::UserRoleName(p.role)},
          {"subject", p.subject_id.empty() ? json(nullptr) : json(p.subject_id)}};
}

// A session for `who`: the reply every way of logging in ends with.
Result<Reply> SessionStarted(Call& call, const Principal& who) {
  FIGURANT_ASSIGN_OR_RETURN(
      NewSession s, StartSession(call.bank.registry(), call.state.clock, call.state.sessions, who));
  json j = PrincipalJson(who);
  j["csrf_token"] = s.csrf_token;
  j["expires_at"] = FormatTimestamp(s.expires_at);
  j["idle_timeout_s"] = call.state.sessions.idle_seconds;
  Reply r = Reply::Json(j);
  const int64_t max_age = call.state.sessions.absolute_seconds;
  r.headers.emplace_back("Set-Cookie", SessionCookie(s.token, max_age));
  r.headers.emplace_back("Set-Cookie", CsrfCookie(s.csrf_token, max_age));
  return r;
}

}  // namespace

Result<Reply> IssueChallenge(Call& call) {
  BodyFields fields(call.body);
  FIGURANT_ASSIGN_OR_RETURN(std::string user, fields.RequiredString("user"));
  FIGURANT_RETURN_IF_ERROR(fields.Finish());
  if (auto wait = call.state.per_user.Take("user:" + user)) return TooManyAttempts(*wait);
  const Challenge c = call.state.challenges.Issue(user);
  return Reply::Json({{"challenge", c.hex},
                      {"expires_at", FormatTimestamp(c.expires_at)},
                      {"origin", call.state.origin},
                      {"message", LoginMessage(c.hex, user, call.state.origin)}});
}

Result<Reply> LogIn(Call& call) {
  BodyFields fields(call.body);
  FIGURANT_ASSIGN_OR_RETURN(std::string user, fields.RequiredString("user"));
  FIGURANT_ASSIGN_OR_RETURN(std::string challenge, fields.RequiredString("challenge"));
  FIGURANT_ASSIGN_OR_RETURN(std::string signature,
                            fields.RequiredHex("signature", kEd25519SignatureBytes));
  FIGURANT_RETURN_IF_ERROR(fields.Finish());
  if (auto wait = call.state.per_user.Take("user:" + user)) return TooManyAttempts(*wait);
  if (!call.state.challenges.Take(challenge, user).ok()) return LogInFailed();
  auto key = LoginKeyFor(call.bank.registry(), user);
  if (!key.ok()) {
    return key.status().code() == StatusCode::kNotFound ? LogInFailed() : key.status();
  }
  const std::string message = LoginMessage(challenge, user, call.state.origin);
  if (!VerifyDetached(message, reinterpret_cast<const uint8_t*>(signature.data()), signature.size(),
                      key->public_key.data(), key->public_key.size())) {
    return LogInFailed();
  }
  return SessionStarted(call, key->principal);
}

Result<Reply> LogInWithCode(Call& call) {
  BodyFields fields(call.body);
  FIGURANT_ASSIGN_OR_RETURN(std::string code, fields.RequiredString("code"));
  FIGURANT_RETURN_IF_ERROR(fields.Finish());
  FIGURANT_ASSIGN_OR_RETURN(const Principal who,
                            RedeemSignInCode(call.bank.registry(), call.state.clock, code));
  return SessionStarted(call, who);
}

Result<Reply> ShowSession(Call& call) { return Reply::Json(PrincipalJson(call.principal)); }

Result<Reply> LogOut(Call& call) {
  FIGURANT_RETURN_IF_ERROR(BodyFields(call.body).Finish());
  FIGURANT_RETURN_IF_ERROR(registry::DeleteSession(call.bank.registry(), call.session_sha256));
  Reply r = Reply::Json({{"logged_out", true}});
  r.headers.emplace_back("Set-Cookie", SessionCookie("", 0));
  r.headers.emplace_back("Set-Cookie", CsrfCookie("", 0));
  return r;
}

}  // namespace figurant::api::internal
