#include "api/principal.h"

#include <algorithm>

#include "core/ids.h"

namespace figurant::api {

namespace {

// A performer logs in with the key they enrolled (docs/keys.md), and only while it is current: a
// performer user's key must be that key. PermissionDenied otherwise.
Status CheckPerformerKey(registry::Registry& registry, const std::string& performer_id,
                         const Bytes& public_key) {
  FIGURANT_ASSIGN_OR_RETURN(
      const std::vector<registry::SignerKey> keys,
      registry.ListSignerKeys(registry::SignerKind::kPerformer, performer_id));
  for (const registry::SignerKey& k : keys) {
    if (!k.revoked_from && k.public_key == public_key) {
      return Status::Ok();
    }
  }
  return PermissionDenied("a performer logs in with the key they enrolled, and " + performer_id +
                          " has no such current key");
}

}  // namespace

Result<LoginKey> LoginKeyFor(registry::Registry& registry, const std::string& user_id) {
  FIGURANT_ASSIGN_OR_RETURN(registry::User user, registry::GetUser(registry, user_id));
  if (user.role == registry::UserRole::kPerformer) {
    FIGURANT_RETURN_IF_ERROR(CheckPerformerKey(registry, user.subject_id, user.public_key));
  }
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
  if (user.role == registry::UserRole::kPerformer) {
    FIGURANT_RETURN_IF_ERROR(CheckPerformerKey(registry, user.subject_id, user.public_key)
                                 .WithContext("field 'public_key'"));
  }
  const Status s = registry::InsertUser(registry, user);
  if (s.code() == StatusCode::kInvalidArgument) return s.WithContext("field 'subject'");
  FIGURANT_RETURN_IF_ERROR(s);
  return user;
}

}  // namespace figurant::api
