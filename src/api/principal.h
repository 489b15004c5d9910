// Who a request acts for, and the one place that decides which public key may log in as whom.
#pragma once

#include <string>

#include "bank/bank.h"
#include "core/clock.h"
#include "core/status.h"
#include "registry/registry.h"
#include "registry/users.h"

namespace figurant::api {

// The logged-in user a request acts for (docs/api.md, "Roles").
struct Principal {
  std::string user_id;
  registry::UserRole role = registry::UserRole::kOperator;
  std::string subject_id;  // performer, studio or union id; empty for an operator
};

// A user who may log in, and the Ed25519 key their log-in signature must verify under.
struct LoginKey {
  Principal principal;
  bank::Ed25519PublicKey public_key{};
};

// THE lookup behind every log-in: the key that may log in as `user_id`, and as whom. Today every
// user is a row of the `users` table (`figurant user add`); when performers enrol their own keys
// (issue 14, enrolment), a performer's enrolled key is looked up here and nowhere else.
// NotFound when no such user may log in.
Result<LoginKey> LoginKeyFor(registry::Registry& registry, const std::string& user_id);

// What `figurant user add` and POST /api/v1/users create.
struct NewUser {
  registry::UserRole role = registry::UserRole::kOperator;
  std::string subject_id;  // the performer, studio or union; empty for an operator
  bank::Ed25519PublicKey public_key{};
};

// Adds a user with a fresh "usr_" id, created now. InvalidArgument naming the field ("subject",
// "public_key") for a subject that does not fit the role; NotFound for an unknown performer or
// studio.
Result<registry::User> AddUser(registry::Registry& registry, const Clock& clock,
                               const NewUser& user);

}  // namespace figurant::api
