// The bank's administration: performers, studios, users, erasure requests.
#include <algorithm>

#include "api/body.h"
#include "api/internal/handlers.h"
#include "api/json_forms.h"

namespace figurant::api::internal {

namespace {

using nlohmann::json;

// A list of rows as {"<key>": [view, ...]}.
template <typename Row, typename View>
json ListJson(std::string_view key, const std::vector<Row>& rows, View view) {
  json items = json::array();
  for (const Row& r : rows) items.push_back(view(r));
  return {{key, items}};
}

Result<bank::Ed25519PublicKey> PublicKeyField(BodyFields& fields) {
  FIGURANT_ASSIGN_OR_RETURN(std::string raw,
                            fields.RequiredHex("public_key", kEd25519PublicKeyBytes));
  bank::Ed25519PublicKey key{};
  std::copy(raw.begin(), raw.end(), key.begin());
  return key;
}

}  // namespace

Result<Reply> ListPerformers(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(auto all, call.bank.registry().ListPerformers());
  return Reply::Json(ListJson("performers", all, PerformerJson));
}

Result<Reply> AddPerformer(Call& call) {
  BodyFields fields(call.body);
  bank::NewPerformer in;
  FIGURANT_ASSIGN_OR_RETURN(in.name, fields.RequiredString("name"));
  FIGURANT_ASSIGN_OR_RETURN(in.email, fields.OptionalString("email"));
  FIGURANT_ASSIGN_OR_RETURN(std::optional<std::string> language, fields.OptionalString("language"));
  FIGURANT_ASSIGN_OR_RETURN(std::optional<bool> synthetic, fields.OptionalBool("synthetic"));
  FIGURANT_RETURN_IF_ERROR(fields.Finish());
  if (language) {
    const auto parsed = consent::ParseLanguage(*language);
    if (!parsed) return FieldError("language", "expected en or fr");
    in.language = *parsed;
  }
  in.synthetic = synthetic.value_or(false);
  FIGURANT_ASSIGN_OR_RETURN(registry::Performer p, call.bank.AddPerformer(in));
  return Reply::Json(PerformerJson(p), 201);
}

Result<Reply> ListStudios(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(auto all, call.bank.registry().ListStudios());
  return Reply::Json(ListJson("studios", all, StudioJson));
}

Result<Reply> AddStudio(Call& call) {
  BodyFields fields(call.body);
  FIGURANT_ASSIGN_OR_RETURN(std::string name, fields.RequiredString("name"));
  FIGURANT_ASSIGN_OR_RETURN(bank::Ed25519PublicKey key, PublicKeyField(fields));
  FIGURANT_RETURN_IF_ERROR(fields.Finish());
  auto s = call.bank.AddStudio(name, key);
  if (s.status().code() == StatusCode::kInvalidArgument)
    return s.status().WithContext("field 'name'");
  FIGURANT_RETURN_IF_ERROR(s.status());
  return Reply::Json(StudioJson(*s), 201);
}

Result<Reply> ListUsers(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(auto all, registry::ListUsers(call.bank.registry()));
  return Reply::Json(ListJson("users", all, UserJson));
}

Result<Reply> AddUser(Call& call) {
  BodyFields fields(call.body);
  NewUser in;
  FIGURANT_ASSIGN_OR_RETURN(std::string role, fields.RequiredString("role"));
  FIGURANT_ASSIGN_OR_RETURN(std::optional<std::string> subject, fields.OptionalString("subject"));
  FIGURANT_ASSIGN_OR_RETURN(in.public_key, PublicKeyField(fields));
  FIGURANT_RETURN_IF_ERROR(fields.Finish());
  const auto parsed = registry::ParseUserRole(role);
  if (!parsed) return FieldError("role", "expected one of " + registry::UserRoleNames());
  in.role = *parsed;
  in.subject_id = subject.value_or("");
  auto user = api::AddUser(call.bank.registry(), call.state.clock, in);
  // An unknown performer or studio is the operator's own typo, not another's secret.
  if (user.status().code() == StatusCode::kNotFound) {
    return FieldError("subject", user.status().message());
  }
  FIGURANT_RETURN_IF_ERROR(user.status());
  return Reply::Json(UserJson(*user), 201);
}

Result<Reply> ListErasureRequests(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(auto all, registry::ListErasureRequests(call.bank.registry()));
  return Reply::Json(ListJson("erasure_requests", all, ErasureRequestJson));
}

}  // namespace figurant::api::internal
