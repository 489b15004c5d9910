#include "registry/users.h"

#include "core/ids.h"
#include "core/names.h"
#include "registry/internal/passkey_columns.h"
#include "registry/internal/read_rows.h"
#include "registry/internal/row_reader.h"
#include "registry/internal/sqlite.h"

namespace figurant::registry {

namespace {

using internal::RowReader;
using internal::Statement;

constexpr Entry<UserRole, std::string_view> kUserRoleNames[] = {
    {UserRole::kPerformer, "performer"},
    {UserRole::kStudio, "studio"},
    {UserRole::kUnion, "union"},
    {UserRole::kOperator, "operator"},
};

// Ed25519 public key as stored. [Units: bytes]
constexpr size_t kKeyBytes = 32;
// SHA-256 as lowercase hex. [Units: characters]
constexpr size_t kHashHexDigits = 64;

constexpr std::string_view kUserColumns = "id, role, subject_id, public_key, created_at";
constexpr std::string_view kSessionColumns =
    "token_sha256, user_id, csrf_sha256, created_at, last_seen_at";
constexpr std::string_view kErasureColumns = "seq, performer_id, user_id, requested_at";
constexpr std::string_view kSignInColumns = "code_sha256, user_id, issued_at, expires_at, used_at";
// The credential's four columns follow user_id (internal::ReadPasskeyCredential's order).
constexpr std::string_view kUserPasskeyColumns =
    "user_id, credential_id, algorithm, spki, sign_count, created_at";

Result<UserPasskey> ReadUserPasskey(const Statement& s) {
  RowReader r(s, "user_passkeys");
  UserPasskey p;
  p.user_id = r.Text(0);
  p.credential = internal::ReadPasskeyCredential(r, 1);
  p.created_at = r.Timestamp(5);
  return r.Finish(std::move(p));
}

Status ValidatePasskey(const UserPasskey& p) {
  const PasskeyCredential& c = p.credential;
  if (c.id.size() < kMinCredentialIdBytes || c.id.size() > kMaxCredentialIdBytes) {
    return InvalidArgument("passkey of user " + p.user_id + ": credential id of " +
                           std::to_string(c.id.size()) + " bytes, expected 16 to 1023");
  }
  if (c.algorithm != kCoseEs256 && c.algorithm != kCoseEdDsa) {
    return InvalidArgument("passkey of user " + p.user_id + ": algorithm " +
                           std::to_string(c.algorithm) + ", expected -7 (ES256) or -8 (EdDSA)");
  }
  if (c.public_key_spki.empty() || c.public_key_spki.size() > kMaxSpkiBytes) {
    return InvalidArgument("passkey of user " + p.user_id + ": public key of " +
                           std::to_string(c.public_key_spki.size()) + " bytes, expected 1 to " +
                           std::to_string(kMaxSpkiBytes));
  }
  return Status::Ok();
}

Result<User> ReadUser(const Statement& s) {
  RowReader r(s, "users");
  User u;
  u.id = r.Text(0);
  u.role = r.Enum(1, kUserRoleNames);
  u.subject_id = r.OptionalText(2).value_or("");
  u.public_key = r.FixedBlob(3, kKeyBytes);
  u.created_at = r.Timestamp(4);
  return r.Finish(std::move(u));
}

Result<Session> ReadSession(const Statement& s) {
  RowReader r(s, "api_sessions");
  Session out;
  out.token_sha256 = r.Hex(0, kHashHexDigits);
  out.user_id = r.Text(1);
  out.csrf_sha256 = r.Hex(2, kHashHexDigits);
  out.created_at = r.Timestamp(3);
  out.last_seen_at = r.Timestamp(4);
  return r.Finish(std::move(out));
}

Result<ErasureRequest> ReadErasureRequest(const Statement& s) {
  RowReader r(s, "erasure_requests");
  ErasureRequest e;
  e.seq = s.Int(0);
  e.performer_id = r.Text(1);
  e.user_id = r.Text(2);
  e.requested_at = r.Timestamp(3);
  return r.Finish(std::move(e));
}

Result<SignInCode> ReadSignInCode(const Statement& s) {
  RowReader r(s, "sign_in_codes");
  SignInCode c;
  c.code_sha256 = r.Hex(0, kHashHexDigits);
  c.user_id = r.Text(1);
  c.issued_at = r.Timestamp(2);
  c.expires_at = r.Timestamp(3);
  c.used_at = r.OptionalTimestamp(4);
  return r.Finish(std::move(c));
}

Status ValidateUser(Registry& registry, const User& u) {
  if (!HasIdForm(u.id, kUserIdPrefix)) {
    return InvalidArgument("user id '" + u.id + "': expected usr_ and 16 lowercase hex digits");
  }
  if (u.public_key.size() != kKeyBytes) {
    return InvalidArgument("user " + u.id + ": public key must be 32 bytes (Ed25519)");
  }
  const bool operator_role = u.role == UserRole::kOperator;
  if (operator_role != u.subject_id.empty()) {
    return InvalidArgument(operator_role ? "an operator acts for no performer, studio or union"
                                         : "a " + std::string(UserRoleName(u.role)) +
                                               " user needs the id of the " +
                                               std::string(UserRoleName(u.role)) + " it acts for");
  }
  switch (u.role) {
    case UserRole::kPerformer:
      return registry.GetPerformer(u.subject_id).status();
    case UserRole::kStudio:
      return registry.GetStudio(u.subject_id).status();
    case UserRole::kUnion: {
      FIGURANT_ASSIGN_OR_RETURN(const Representative rep, registry.GetRepresentative(u.subject_id));
      if (rep.kind != RepresentativeKind::kUnion) {
        return InvalidArgument("representative " + u.subject_id + " is counsel, not a union");
      }
      return Status::Ok();
    }
    case UserRole::kOperator:
      return Status::Ok();
  }
  return Status::Ok();
}

}  // namespace

std::string_view UserRoleName(UserRole role) { return Lookup(kUserRoleNames, role, ""); }
std::optional<UserRole> ParseUserRole(std::string_view name) { return KeyOf(kUserRoleNames, name); }
std::string UserRoleNames() { return Alternatives(kUserRoleNames); }

Status InsertUser(Registry& registry, const User& u) {
  FIGURANT_RETURN_IF_ERROR(ValidateUser(registry, u));
  return registry.InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, registry.database().Prepare("INSERT INTO users (" + std::string(kUserColumns) +
                                                 ") VALUES (?, ?, ?, ?, ?)"));
    s.Bind(1, u.id).Bind(2, UserRoleName(u.role));
    if (u.subject_id.empty()) {
      s.BindNull(3);
    } else {
      s.Bind(3, u.subject_id);
    }
    s.BindBlob(4, u.public_key).Bind(5, u.created_at);
    return s.Run().WithContext("user " + u.id);
  });
}

Result<User> GetUser(Registry& registry, const std::string& id) {
  FIGURANT_ASSIGN_OR_RETURN(Statement s,
                            registry.database().Prepare("SELECT " + std::string(kUserColumns) +
                                                        " FROM users WHERE id = ?"));
  s.Bind(1, id);
  FIGURANT_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return NotFound("no user " + id);
  return ReadUser(s);
}

Result<std::vector<User>> ListUsers(Registry& registry) {
  FIGURANT_ASSIGN_OR_RETURN(Statement s,
                            registry.database().Prepare("SELECT " + std::string(kUserColumns) +
                                                        " FROM users ORDER BY created_at, id"));
  return internal::ReadAll(s, ReadUser);
}

Status InsertSession(Registry& registry, const Session& session) {
  return registry.InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s,
        registry.database().Prepare("INSERT INTO api_sessions (" + std::string(kSessionColumns) +
                                    ") VALUES (?, ?, ?, ?, ?)"));
    s.Bind(1, session.token_sha256).Bind(2, session.user_id).Bind(3, session.csrf_sha256);
    s.Bind(4, session.created_at).Bind(5, session.last_seen_at);
    return s.Run();
  });
}

Result<std::optional<Session>> GetSession(Registry& registry, const std::string& token_sha256) {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s, registry.database().Prepare("SELECT " + std::string(kSessionColumns) +
                                               " FROM api_sessions WHERE token_sha256 = ?"));
  s.Bind(1, token_sha256);
  return internal::ReadOptional(s, ReadSession);
}

Status TouchSession(Registry& registry, const std::string& token_sha256, UnixSeconds at) {
  return registry.InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, registry.database().Prepare(
                         "UPDATE api_sessions SET last_seen_at = ? WHERE token_sha256 = ?"));
    return s.Bind(1, at).Bind(2, token_sha256).Run();
  });
}

Status DeleteSession(Registry& registry, const std::string& token_sha256) {
  return registry.InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(Statement s, registry.database().Prepare(
                                               "DELETE FROM api_sessions WHERE token_sha256 = ?"));
    return s.Bind(1, token_sha256).Run();
  });
}

Status DeleteExpiredSessions(Registry& registry, UnixSeconds idle_before,
                             UnixSeconds created_before) {
  return registry.InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, registry.database().Prepare(
                         "DELETE FROM api_sessions WHERE last_seen_at < ? OR created_at < ?"));
    return s.Bind(1, idle_before).Bind(2, created_before).Run();
  });
}

Status InsertUserPasskey(Registry& registry, const UserPasskey& p) {
  FIGURANT_RETURN_IF_ERROR(ValidatePasskey(p));
  FIGURANT_RETURN_IF_ERROR(GetUser(registry, p.user_id).status());
  return registry.InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(std::optional<UserPasskey> existing,
                              FindUserPasskey(registry, p.credential.id));
    if (existing) return AlreadyExists("the passkey is registered already");
    FIGURANT_ASSIGN_OR_RETURN(Statement s,
                              registry.database().Prepare("INSERT INTO user_passkeys (" +
                                                          std::string(kUserPasskeyColumns) +
                                                          ") VALUES (?, ?, ?, ?, ?, ?)"));
    s.Bind(1, p.user_id);
    internal::BindPasskeyCredential(s, 2, p.credential);
    s.Bind(6, p.created_at);
    return s.Run().WithContext("passkey of user " + p.user_id);
  });
}

Result<std::optional<UserPasskey>> FindUserPasskey(Registry& registry, const Bytes& credential_id) {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s, registry.database().Prepare("SELECT " + std::string(kUserPasskeyColumns) +
                                               " FROM user_passkeys WHERE credential_id = ?"));
  s.BindBlob(1, credential_id);
  return internal::ReadOptional(s, ReadUserPasskey);
}

Result<std::vector<UserPasskey>> ListUserPasskeys(Registry& registry, const std::string& user_id) {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s,
      registry.database().Prepare("SELECT " + std::string(kUserPasskeyColumns) +
                                  " FROM user_passkeys WHERE user_id = ? ORDER BY rowid"));
  s.Bind(1, user_id);
  return internal::ReadAll(s, ReadUserPasskey);
}

Status SetUserPasskeySignCount(Registry& registry, const Bytes& credential_id, uint32_t count) {
  return registry.InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(std::optional<UserPasskey> p,
                              FindUserPasskey(registry, credential_id));
    if (!p) return NotFound("no user has that passkey");
    const uint32_t stored = p->credential.sign_count;
    if ((count != 0 || stored != 0) && count <= stored) {
      return FailedPrecondition("passkey sign count " + std::to_string(count) +
                                " does not advance past " + std::to_string(stored));
    }
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, registry.database().Prepare(
                         "UPDATE user_passkeys SET sign_count = ? WHERE credential_id = ?"));
    return s.Bind(1, int64_t{count}).BindBlob(2, credential_id).Run();
  });
}

Status InsertSignInCode(Registry& registry, const SignInCode& code) {
  if (code.code_sha256.size() != kHashHexDigits) {
    return InvalidArgument("sign-in code: expected its SHA-256 as 64 lowercase hex digits");
  }
  if (code.expires_at <= code.issued_at) {
    return InvalidArgument("sign-in code for " + code.user_id + ": it expires before it is issued");
  }
  FIGURANT_RETURN_IF_ERROR(GetUser(registry, code.user_id).status());
  return registry.InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, registry.database().Prepare(
                         "INSERT INTO sign_in_codes (code_sha256, user_id, issued_at, expires_at) "
                         "VALUES (?, ?, ?, ?)"));
    s.Bind(1, code.code_sha256).Bind(2, code.user_id).Bind(3, code.issued_at);
    s.Bind(4, code.expires_at);
    return s.Run().WithContext("sign-in code for " + code.user_id);
  });
}

Result<std::string> TakeSignInCode(Registry& registry, const std::string& code_sha256,
                                   UnixSeconds now) {
  std::string user_id;
  FIGURANT_RETURN_IF_ERROR(registry.InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, registry.database().Prepare("SELECT " + std::string(kSignInColumns) +
                                                 " FROM sign_in_codes WHERE code_sha256 = ?"));
    s.Bind(1, code_sha256);
    FIGURANT_ASSIGN_OR_RETURN(std::optional<SignInCode> code,
                              internal::ReadOptional(s, ReadSignInCode));
    if (!code || code->used_at || now >= code->expires_at) {
      return Unauthenticated("unknown, used or expired sign-in code");
    }
    FIGURANT_ASSIGN_OR_RETURN(
        Statement u,
        registry.database().Prepare("UPDATE sign_in_codes SET used_at = ? WHERE code_sha256 = ?"));
    FIGURANT_RETURN_IF_ERROR(u.Bind(1, now).Bind(2, code_sha256).Run());
    user_id = code->user_id;
    return Status::Ok();
  }));
  return user_id;
}

Result<std::vector<SignInCode>> ListSignInCodes(Registry& registry, const std::string& user_id) {
  FIGURANT_ASSIGN_OR_RETURN(Statement s,
                            registry.database().Prepare("SELECT " + std::string(kSignInColumns) +
                                                        " FROM sign_in_codes WHERE user_id = ? "
                                                        "ORDER BY issued_at, code_sha256"));
  s.Bind(1, user_id);
  return internal::ReadAll(s, ReadSignInCode);
}

Status InsertErasureRequest(Registry& registry, const ErasureRequest& request) {
  return registry.InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, registry.database().Prepare(
                         "INSERT INTO erasure_requests (performer_id, user_id, requested_at) "
                         "VALUES (?, ?, ?)"));
    s.Bind(1, request.performer_id).Bind(2, request.user_id).Bind(3, request.requested_at);
    return s.Run().WithContext("erasure request of " + request.performer_id);
  });
}

Result<std::vector<ErasureRequest>> ListErasureRequests(Registry& registry) {
  FIGURANT_ASSIGN_OR_RETURN(Statement s,
                            registry.database().Prepare("SELECT " + std::string(kErasureColumns) +
                                                        " FROM erasure_requests ORDER BY seq"));
  return internal::ReadAll(s, ReadErasureRequest);
}

}  // namespace figurant::registry
