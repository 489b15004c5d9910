#include "api/principal.h"

#include <algorithm>

#include "core/ids.h"

namespace figurant::api {

Result<LoginKey> LoginKeyFor(registry::Registry& registry, const std::string& user_id) {
  FIGURANT_ASSIGN_OR_RETURN(registry::User user, registry::GetUser(registry, user_id));
  LoginKey key;
  key.principal = {user.id, user.role, user.subject_id};
  if (user.public_key.size() != key.public_key.size()) {
    return DataLoss("user " + user.id + ": stored public key is not 32 bytes");
  }
  std::copy(user.public_key.begin(), user.public_key.end(), key.public_key.begin());
  return key;
}

Result<registry::User> AddUser(registry::Registry& registry, const Clock& clock,
                               const NewUser& in) {
  registry::User user;
  user.id = NewId(registry::kUserIdPrefix);
  user.role = in.role;
  user.subject_id = in.subject_id;
  user.public_key.assign(in.public_key.begin(), in.public_key.end());
  user.created_at = clock.Now();
  const Status s = registry::InsertUser(registry, user);
  if (s.code() == StatusCode::kInvalidArgument) return s.WithContext("field 'subject'");
  FIGURANT_RETURN_IF_ERROR(s);
  return user;
}

}  // namespace figurant::api
