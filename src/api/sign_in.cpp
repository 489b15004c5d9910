#include "api/sign_in.h"

#include "bank/enrolment.h"
#include "registry/users.h"

namespace figurant::api {

namespace {

Status SignInFailed() { return Unauthenticated("sign-in failed: unknown, used or expired code"); }

}  // namespace

Result<IssuedSignInCode> IssueSignInCode(registry::Registry& registry, const Clock& clock,
                                         const std::string& user_id, int64_t valid_seconds) {
  if (valid_seconds < 1 || valid_seconds > kMaxSignInCodeSeconds) {
    return InvalidArgument("valid_seconds " + std::to_string(valid_seconds) + ": expected 1.." +
                           std::to_string(kMaxSignInCodeSeconds));
  }
  IssuedSignInCode issued;
  issued.code = bank::NewEnrolmentCode();
  FIGURANT_ASSIGN_OR_RETURN(const std::string normal, bank::NormaliseEnrolmentCode(issued.code));
  registry::SignInCode row;
  row.code_sha256 = bank::EnrolmentCodeHash(normal);
  row.user_id = user_id;
  row.issued_at = clock.Now();
  row.expires_at = row.issued_at + valid_seconds;
  FIGURANT_RETURN_IF_ERROR(registry::InsertSignInCode(registry, row));
  issued.expires_at = row.expires_at;
  return issued;
}

Result<Principal> RedeemSignInCode(registry::Registry& registry, const Clock& clock,
                                   std::string_view typed) {
  auto normal = bank::NormaliseEnrolmentCode(typed);
  if (!normal.ok()) return SignInFailed();
  auto user_id = registry::TakeSignInCode(registry, bank::EnrolmentCodeHash(*normal), clock.Now());
  if (!user_id.ok()) {
    return user_id.status().code() == StatusCode::kUnauthenticated ? SignInFailed()
                                                                   : user_id.status();
  }
  auto user = registry::GetUser(registry, *user_id);
  if (!user.ok()) {
    return user.status().code() == StatusCode::kNotFound ? SignInFailed() : user.status();
  }
  return Principal{user->id, user->role, user->subject_id};
}

}  // namespace figurant::api
