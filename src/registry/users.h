// The HTTP API's people and log-in state (schema v5, docs/registry.md "Users and sessions"): who
// may log in with which public key as which role, their sessions, and performers' erasure
// requests. Storage only: api/ decides who may do what.
//
// Sessions are stored by the SHA-256 of their token, never the token itself, so a copy of the
// registry does not let anyone act as a logged-in user. The same holds for the CSRF token.
// Every function runs in the caller's transaction when one is open, else in its own; reads are
// strict (a stored value outside its column's set is DataLoss naming the table, row and column).
// Not thread-safe, like the Registry they use.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/status.h"
#include "registry/registry.h"

namespace figurant::registry {

// `users.role`: what a user may see and do through the API (docs/api.md, "Roles").
enum class UserRole { kPerformer, kStudio, kUnion, kOperator };
std::string_view UserRoleName(UserRole role);  // "performer", "studio", "union", "operator"
std::optional<UserRole> ParseUserRole(std::string_view name);
// "performer|studio|union|operator", for messages.
std::string UserRoleNames();

// The prefix of the ids this file issues ("usr_<16 hex>"). A union user acts for a representative
// of kind union ("rep_<16 hex>", registry.h).
inline constexpr std::string_view kUserIdPrefix = "usr";

struct User {
  std::string id;
  UserRole role = UserRole::kOperator;
  // The performer, studio or union the user acts for; empty for an operator.
  std::string subject_id;
  Bytes public_key;  // Ed25519, 32 bytes: what a log-in signature must verify under
  UnixSeconds created_at = 0;
};

struct Session {
  std::string token_sha256;  // 64 lowercase hex digits: SHA-256 of the cookie's token
  std::string user_id;
  std::string csrf_sha256;  // 64 lowercase hex digits: SHA-256 of the session's CSRF token
  UnixSeconds created_at = 0;
  UnixSeconds last_seen_at = 0;
};

// A one-time sign-in code (schema v7): lets its user start one session without a key, within its
// validity. Only the code's SHA-256 is stored.
struct SignInCode {
  std::string code_sha256;  // 64 lowercase hex digits
  std::string user_id;
  UnixSeconds issued_at = 0;
  UnixSeconds expires_at = 0;  // [Limits: > issued_at]
  std::optional<UnixSeconds> used_at;
};

struct ErasureRequest {
  int64_t seq = 0;
  std::string performer_id;
  std::string user_id;  // who asked (the performer's user)
  UnixSeconds requested_at = 0;
};

// InvalidArgument for a malformed row (role and subject disagree, a key not 32 bytes, an id not
// "usr_<16 hex>"); NotFound when the subject performer or studio does not exist; AlreadyExists for
// an id in use.
Status InsertUser(Registry& registry, const User& user);
// NotFound naming the id when there is no such user.
Result<User> GetUser(Registry& registry, const std::string& id);
Result<std::vector<User>> ListUsers(Registry& registry);  // oldest first

Status InsertSession(Registry& registry, const Session& session);
// nullopt when no session has that token hash.
Result<std::optional<Session>> GetSession(Registry& registry, const std::string& token_sha256);
// Sets last_seen_at. OK when the session has gone (nothing to touch).
Status TouchSession(Registry& registry, const std::string& token_sha256, UnixSeconds at);
Status DeleteSession(Registry& registry, const std::string& token_sha256);
// Deletes every session last seen before `idle_before` or created before `created_before`.
Status DeleteExpiredSessions(Registry& registry, UnixSeconds idle_before,
                             UnixSeconds created_before);

// A passkey a user logs in with (schema v8, docs/registry.md "Passkeys (version 8)"). A performer
// who enrolled a passkey as their signer key logs in with the same credential; its sign count
// here is the last one a log-in assertion showed (the signer key keeps its own for consents).
struct UserPasskey {
  std::string user_id;
  PasskeyCredential credential;
  UnixSeconds created_at = 0;
};

// InvalidArgument for a credential outside its limits (id 16..1023 bytes, algorithm -7 or -8, SPKI
// 1..kMaxSpkiBytes bytes); NotFound for an unknown user; AlreadyExists when the credential id is
// stored already (for any user).
Status InsertUserPasskey(Registry& registry, const UserPasskey& passkey);
// nullopt when no user has a passkey with that credential id.
Result<std::optional<UserPasskey>> FindUserPasskey(Registry& registry, const Bytes& credential_id);
// Every passkey of the user, oldest first.
Result<std::vector<UserPasskey>> ListUserPasskeys(Registry& registry, const std::string& user_id);
// Stores the sign count of a log-in assertion the API accepted. NotFound for an unknown
// credential; FailedPrecondition when `count` does not advance past the stored one (unless both
// are 0: an authenticator that keeps no counter).
Status SetUserPasskeySignCount(Registry& registry, const Bytes& credential_id, uint32_t count);

// NotFound for an unknown user; InvalidArgument for a malformed hash or a validity that ends before
// it starts.
Status InsertSignInCode(Registry& registry, const SignInCode& code);
// Marks the code with SHA-256 `code_sha256` used at `now` and returns its user id, in one
// transaction. Unauthenticated (saying only "unknown, used or expired sign-in code") when no such
// code exists, it was used already, or `now` is not before its expiry.
Result<std::string> TakeSignInCode(Registry& registry, const std::string& code_sha256,
                                   UnixSeconds now);
// Every code of `user_id`, oldest first (for the operator's listing).
Result<std::vector<SignInCode>> ListSignInCodes(Registry& registry, const std::string& user_id);

// `request.seq` is assigned by the registry. NotFound for an unknown performer or user.
Status InsertErasureRequest(Registry& registry, const ErasureRequest& request);
Result<std::vector<ErasureRequest>> ListErasureRequests(Registry& registry);  // oldest first

}  // namespace figurant::registry
