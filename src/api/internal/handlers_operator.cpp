// The bank's administration: performers, studios, users, erasure requests, enrolment codes; and
// the public enrolment those codes are for.
#include <algorithm>

#include "api/body.h"
#include "api/internal/handlers.h"
#include "api/json_forms.h"
#include "api/sign_in.h"

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

// An invitation's expiry: an RFC 3339 time, or a date meaning the end of that day (UTC), as
// `figurant performer invite --expires` reads it.
Result<std::optional<UnixSeconds>> ExpiryField(BodyFields& fields) {
  FIGURANT_ASSIGN_OR_RETURN(std::optional<std::string> text, fields.OptionalString("expires"));
  if (!text) return std::optional<UnixSeconds>();
  if (auto day = Date::Parse(*text); day.ok()) {
    FIGURANT_ASSIGN_OR_RETURN(UnixSeconds end,
                              ParseTimestamp(day->AddDays(1).ToString() + "T00:00:00Z"));
    return std::optional<UnixSeconds>(end);
  }
  auto at = ParseTimestamp(*text);
  if (!at.ok()) return FieldError("expires", "expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
  return std::optional<UnixSeconds>(*at);
}

json InviteJson(const registry::EnrolmentCode& c) {
  return {{"performer", c.performer_id},
          {"signer", registry::SignerKindName(c.signer)},
          {"signer_id", c.signer_id},
          {"issued_at", FormatTimestamp(c.created_at)},
          {"expires_at", FormatTimestamp(c.expires_at)},
          {"used_at", c.used_at ? json(FormatTimestamp(*c.used_at)) : json(nullptr)}};
}

// An enrolment's body: the code as typed, the key and the optional proof of possession.
struct EnrolmentBody {
  std::string code;
  bank::Ed25519PublicKey public_key{};
  std::optional<bank::Ed25519Signature> proof;
};

Result<EnrolmentBody> ReadEnrolmentBody(const json& body) {
  BodyFields fields(body);
  EnrolmentBody in;
  FIGURANT_ASSIGN_OR_RETURN(in.code, fields.RequiredString("code"));
  FIGURANT_ASSIGN_OR_RETURN(in.public_key, PublicKeyField(fields));
  FIGURANT_ASSIGN_OR_RETURN(std::optional<std::string> proof, fields.OptionalString("proof"));
  FIGURANT_RETURN_IF_ERROR(fields.Finish());
  if (proof) {
    auto raw = FromHex(*proof);
    if (!raw.ok() || raw->size() != kEd25519SignatureBytes) {
      return FieldError("proof", "expected " + std::to_string(2 * kEd25519SignatureBytes) +
                                     " hex digits (an Ed25519 signature)");
    }
    in.proof.emplace();
    std::copy(raw->begin(), raw->end(), in.proof->begin());
  }
  return in;
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

Result<Reply> InviteSigner(Call& call) {
  BodyFields fields(call.body);
  FIGURANT_ASSIGN_OR_RETURN(std::string performer, fields.RequiredString("performer"));
  FIGURANT_ASSIGN_OR_RETURN(std::optional<std::string> signer_name,
                            fields.OptionalString("signer"));
  FIGURANT_ASSIGN_OR_RETURN(std::optional<UnixSeconds> expires, ExpiryField(fields));
  FIGURANT_RETURN_IF_ERROR(fields.Finish());
  const auto signer = consent::ParseSigner(signer_name.value_or("performer"));
  if (!signer) return FieldError("signer", "expected performer or estate");
  auto invitation = call.bank.InviteSigner(performer, *signer, expires);
  // An unknown performer is the operator's own typo, not another's secret.
  if (invitation.status().code() == StatusCode::kNotFound) {
    return FieldError("performer", invitation.status().message());
  }
  if (invitation.status().code() == StatusCode::kInvalidArgument) {
    return FieldError("expires", invitation.status().message());
  }
  FIGURANT_RETURN_IF_ERROR(invitation.status());
  return Reply::Json({{"performer", invitation->performer_id},
                      {"signer", consent::SignerName(invitation->signer)},
                      {"signer_id", invitation->signer_id},
                      {"code", invitation->code},
                      {"expires_at", FormatTimestamp(invitation->expires_at)}},
                     201);
}

Result<Reply> IssueSignInCode(Call& call) {
  BodyFields fields(call.body);
  FIGURANT_ASSIGN_OR_RETURN(std::optional<UnixSeconds> expires, ExpiryField(fields));
  FIGURANT_RETURN_IF_ERROR(fields.Finish());
  const UnixSeconds now = call.state.clock.Now();
  const int64_t valid = expires ? *expires - now : kDefaultSignInCodeSeconds;
  auto issued =
      api::IssueSignInCode(call.bank.registry(), call.state.clock, call.params.at("user"), valid);
  if (issued.status().code() == StatusCode::kInvalidArgument) {
    return FieldError("expires", "expected a time after now and at most " +
                                     std::to_string(kMaxSignInCodeSeconds / 86400) + " days away");
  }
  FIGURANT_RETURN_IF_ERROR(issued.status());
  return Reply::Json({{"user", call.params.at("user")},
                      {"code", issued->code},
                      {"expires_at", FormatTimestamp(issued->expires_at)}},
                     201);
}

Result<Reply> ListInvites(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(auto all, call.bank.registry().ListEnrolmentCodes());
  return Reply::Json(ListJson("invites", all, InviteJson));
}

// The server has already taken one attempt from the client address's bucket (the route is
// rate-limited). Refusals are EnrolKey's, which never name the performer for a bad code.
Result<Reply> Enrol(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(const EnrolmentBody in, ReadEnrolmentBody(call.body));
  FIGURANT_ASSIGN_OR_RETURN(const registry::SignerKey key,
                            call.bank.EnrolKey(in.code, in.public_key, in.proof));
  json user = nullptr;  // an estate has no log-in (no role acts for an estate)
  if (key.signer == registry::SignerKind::kPerformer) {
    FIGURANT_ASSIGN_OR_RETURN(
        const registry::User added,
        api::AddUser(call.bank.registry(), call.state.clock,
                     {registry::UserRole::kPerformer, key.performer_id, in.public_key}));
    user = added.id;
  }
  return Reply::Json({{"performer", key.performer_id},
                      {"signer", registry::SignerKindName(key.signer)},
                      {"signer_id", key.signer_id},
                      {"user", user},
                      {"key", ToHex(key.public_key)},
                      {"valid_from", FormatTimestamp(key.valid_from)}},
                     201);
}

}  // namespace figurant::api::internal
