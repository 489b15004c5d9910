// A performer's consent in their own hands (docs/api.md, "Signing, declining and suspending
// through the API"): the offer their device signs, the signature it returns, declining a draft,
// and the statements (suspend, resume, join or leave a union) the device signs with the same key.
// The bank never signs for the performer: every route that records consent takes a document
// signed on the performer's device, in the very format the CLI's files carry (docs/licence.md).
// Authorise has checked {performer} is the session's and {licence} theirs.
#include "api/body.h"
#include "api/internal/handlers.h"
#include "api/json_forms.h"
#include "consent/offer.h"
#include "consent/statement.h"

namespace figurant::api::internal {

namespace {

using nlohmann::json;

const std::string& PerformerParam(const Call& call) { return call.params.at("performer"); }
const std::string& LicenceParam(const Call& call) { return call.params.at("licence"); }

// A document the device wrote (a signature file), from the body: the strict parsers of consent/
// read text, and name the body in their messages ("request body: field 'signature': ...").
std::string BodyText(const Call& call) { return call.body.dump(); }

// The reply for a document the device reads byte for byte (an offer, a statement request).
Reply DocumentReply(std::string text) {
  Reply r;
  r.body = std::move(text);
  return r;
}

// Another's object, or none: the API's one answer (routes.h, kNotFoundMessage).
Status Hidden() { return NotFound(std::string(kNotFoundMessage)); }

// A Status whose InvalidArgument names no field, as a field error on `name` (the body field the
// bank's refusal is about); any other Status unchanged.
Status AsFieldError(const Status& s, std::string_view name) {
  if (s.code() != StatusCode::kInvalidArgument || !FieldOf(s.message()).empty()) return s;
  return FieldError(name, s.message());
}

// An optional date field "YYYY-MM-DD".
Result<std::optional<Date>> OptionalDate(BodyFields& fields, std::string_view name) {
  FIGURANT_ASSIGN_OR_RETURN(std::optional<std::string> text, fields.OptionalString(name));
  if (!text) return std::optional<Date>();
  auto d = Date::Parse(*text);
  if (!d.ok()) return FieldError(name, d.status().message());
  return std::optional<Date>(*d);
}

Result<bool> RequiredBool(BodyFields& fields, std::string_view name) {
  FIGURANT_ASSIGN_OR_RETURN(std::optional<bool> value, fields.OptionalBool(name));
  if (!value) return FieldError(name, "required (true or false)");
  return *value;
}

// OK when `s` is a statement the performer of the route makes about themself: a suspension or
// resumption of their own licence, or their joining or leaving a union. Another kind (a union's
// strike, a key replacement) is refused naming `kind`; a statement about another performer or
// their licence is hidden (404) exactly as their objects are.
Status CheckPerformersOwnStatement(Call& call, const consent::SignedStatement& s) {
  if (!consent::IsSuspensionKind(s.kind) && !consent::IsMembershipKind(s.kind)) {
    return FieldError("kind", "a '" + std::string(consent::StatementKindName(s.kind)) +
                                  "' statement is not a performer's: only suspend_licence, "
                                  "resume_licence, join_union and leave_union are recorded here");
  }
  if (consent::FieldValue(s, "performer") != PerformerParam(call)) return Hidden();
  if (consent::IsSuspensionKind(s.kind)) {
    auto licence = call.bank.registry().GetLicence(consent::FieldValue(s, "licence"));
    if (!licence.ok() || licence->performer_id != PerformerParam(call)) return Hidden();
  }
  return Status::Ok();
}

json FieldsObject(const std::vector<consent::StatementField>& fields) {
  json j = json::object();
  for (const consent::StatementField& f : fields) j[f.name] = f.value;
  return j;
}

}  // namespace

Result<Reply> ShowOfferDocument(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(const consent::Offer offer, call.bank.OfferFor(LicenceParam(call)));
  return DocumentReply(consent::OfferJson(offer));
}

Result<Reply> SignLicence(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(const consent::ConsentRecord record,
                            consent::ParseConsentSignature(BodyText(call), kBodySource));
  if (record.licence_id != LicenceParam(call)) {
    return FieldError("licence_id", "signs licence " + record.licence_id + ", not " +
                                        LicenceParam(call) + " (the licence in the path)");
  }
  if (record.performer_id != PerformerParam(call)) {
    return FieldError("performer_id", "names performer " + record.performer_id + ", not " +
                                          PerformerParam(call) + " (the performer in the path)");
  }
  FIGURANT_ASSIGN_OR_RETURN(const bank::LicenceView v, call.bank.SignLicenceWith(record));
  return Reply::Json(LicenceJson(v));
}

Result<Reply> DeclineOffer(Call& call) {
  BodyFields fields(call.body);
  FIGURANT_ASSIGN_OR_RETURN(const std::optional<std::string> reason,
                            fields.OptionalString("reason", registry::kMaxDeclineReasonBytes));
  FIGURANT_RETURN_IF_ERROR(fields.Finish());
  auto v = call.bank.DeclineLicence(LicenceParam(call), reason.value_or(""));
  FIGURANT_RETURN_IF_ERROR(AsFieldError(v.status(), "reason"));
  return Reply::Json(LicenceJson(*v));
}

Result<Reply> RequestSuspension(Call& call) {
  BodyFields fields(call.body);
  FIGURANT_ASSIGN_OR_RETURN(const bool suspend, RequiredBool(fields, "suspend"));
  FIGURANT_ASSIGN_OR_RETURN(const std::optional<Date> from, OptionalDate(fields, "from"));
  FIGURANT_RETURN_IF_ERROR(fields.Finish());
  auto request = call.bank.SuspensionRequest(LicenceParam(call), suspend, from);
  FIGURANT_RETURN_IF_ERROR(AsFieldError(request.status(), "from"));
  return DocumentReply(consent::StatementRequestJson(*request));
}

Result<Reply> RequestMembership(Call& call) {
  BodyFields fields(call.body);
  FIGURANT_ASSIGN_OR_RETURN(const std::string union_id, fields.RequiredString("union"));
  FIGURANT_ASSIGN_OR_RETURN(const bool join, RequiredBool(fields, "join"));
  FIGURANT_RETURN_IF_ERROR(fields.Finish());
  auto request = call.bank.MembershipRequest(PerformerParam(call), union_id, join);
  if (request.status().code() == StatusCode::kNotFound) {
    // The performer exists (Authorise): what is unknown is the union the body names.
    return FieldError("union", request.status().message());
  }
  FIGURANT_RETURN_IF_ERROR(request.status());
  return DocumentReply(consent::StatementRequestJson(*request));
}

Result<Reply> RecordPerformerStatement(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(const consent::SignedStatement statement,
                            consent::ParseStatementSignature(BodyText(call), kBodySource));
  FIGURANT_RETURN_IF_ERROR(CheckPerformersOwnStatement(call, statement));
  FIGURANT_RETURN_IF_ERROR(call.bank.RecordStatement(statement));
  return Reply::Json({{"kind", consent::StatementKindName(statement.kind)},
                      {"fields", FieldsObject(statement.fields)}},
                     201);
}

}  // namespace figurant::api::internal
