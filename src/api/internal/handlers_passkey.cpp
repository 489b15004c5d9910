// Passkeys made and used in the browser (docs/api.md, "Passkeys"; the checks are docs/passkeys.md):
// enrolment with a one-time code, log-in, and a consent signed with a passkey. The server chooses
// every challenge and keeps it (ChallengeStore) until it is answered once; binary values travel as
// base64url without padding, as the browser's WebAuthn API hands them out.
#include "api/body.h"
#include "api/internal/handlers.h"
#include "api/json_forms.h"
#include "bank/enrolment.h"
#include "registry/users.h"
#include "webauthn/assertion.h"
#include "webauthn/registration.h"

namespace figurant::api::internal {

namespace {

using nlohmann::json;

// The challenge store's subject of passkey log-ins (any user: the credential says who).
constexpr std::string_view kPasskeyLogIn = "passkey-log-in";
constexpr int64_t kCeremonyTimeoutMs = kChallengeLifetimeS * 1000;
// The longest binary value a passkey field carries (clientDataJSON). [Units: bytes]
constexpr size_t kMaxPasskeyFieldBytes = webauthn::kMaxClientDataBytes;

Status LogInFailed() { return Unauthenticated("log-in failed"); }

// The relying-party id of an origin: its host ("https://bank.example:8443" → "bank.example").
std::string RpIdOf(std::string_view origin) {
  const size_t scheme = origin.find("://");
  std::string_view host = scheme == std::string_view::npos ? origin : origin.substr(scheme + 3);
  if (!host.empty() && host.front() == '[') return std::string(host.substr(1, host.find(']') - 1));
  return std::string(host.substr(0, host.find_first_of(":/")));
}

webauthn::Expected ExpectedFor(const Call& call, Bytes challenge) {
  return {std::move(challenge), call.state.origin, RpIdOf(call.state.origin)};
}

Result<Bytes> Base64UrlField(BodyFields& fields, std::string_view name) {
  FIGURANT_ASSIGN_OR_RETURN(std::string text,
                            fields.RequiredString(name, kMaxPasskeyFieldBytes * 4 / 3 + 4));
  auto bytes = webauthn::FromBase64Url(text);
  if (!bytes.ok()) return FieldError(name, "expected base64url without padding");
  return *std::move(bytes);
}

// A challenge the server issued to `subject`, given back as base64url, used up. The issued
// challenge's bytes on success; PermissionDenied when it is unknown, used, expired or another's.
Result<Bytes> TakeChallenge(Call& call, BodyFields& fields, const std::string& subject) {
  FIGURANT_ASSIGN_OR_RETURN(Bytes challenge, Base64UrlField(fields, "challenge"));
  if (!call.state.challenges.Take(ToHex(challenge), subject).ok()) {
    return PermissionDenied("challenge unknown, used or expired: ask for new options");
  }
  return challenge;
}

// An enrolment's challenge subject: the code's hash (a malformed code gets one too; enrolment
// refuses the code itself, as EnrolKey does).
std::string EnrolmentSubject(std::string_view code) {
  auto normal = bank::NormaliseEnrolmentCode(code);
  return "enrol:" + (normal.ok() ? bank::EnrolmentCodeHash(*normal) : std::string(code));
}

// A challenge as the page passes it to WebAuthn: its bytes (ChallengeStore issues them as hex).
json ChallengeJson(const Challenge& c) {
  auto bytes = FromHex(c.hex);
  return webauthn::Base64Url(bytes.ok() ? *bytes : Bytes());
}

Result<webauthn::Registration> ReadRegistration(const json& object) {
  BodyFields fields(object);
  webauthn::Registration r;
  FIGURANT_ASSIGN_OR_RETURN(r.raw_id, Base64UrlField(fields, "id"));
  FIGURANT_ASSIGN_OR_RETURN(r.public_key_spki, Base64UrlField(fields, "public_key"));
  FIGURANT_ASSIGN_OR_RETURN(r.algorithm, fields.RequiredInteger("algorithm", -65536, 65535));
  FIGURANT_ASSIGN_OR_RETURN(r.authenticator_data, Base64UrlField(fields, "authenticator_data"));
  FIGURANT_ASSIGN_OR_RETURN(Bytes client_data, Base64UrlField(fields, "client_data_json"));
  r.client_data_json.assign(client_data.begin(), client_data.end());
  FIGURANT_RETURN_IF_ERROR(fields.Finish().WithContext("credential"));
  return r;
}

Result<webauthn::Assertion> ReadAssertion(BodyFields& fields) {
  webauthn::Assertion a;
  FIGURANT_ASSIGN_OR_RETURN(a.credential_id, Base64UrlField(fields, "credential_id"));
  FIGURANT_ASSIGN_OR_RETURN(a.authenticator_data, Base64UrlField(fields, "authenticator_data"));
  FIGURANT_ASSIGN_OR_RETURN(Bytes client_data, Base64UrlField(fields, "client_data_json"));
  a.client_data_json.assign(client_data.begin(), client_data.end());
  FIGURANT_ASSIGN_OR_RETURN(a.signature, Base64UrlField(fields, "signature"));
  return a;
}

Result<consent::Representation> RepresentationField(BodyFields& fields) {
  FIGURANT_ASSIGN_OR_RETURN(std::optional<std::string> text,
                            fields.OptionalString("representation"));
  const auto r = consent::ParseRepresentation(text.value_or("none"));
  if (!r) return FieldError("representation", "expected union, counsel or none");
  return *r;
}

// A performer logs in with a passkey only while it is their current signer key: a replaced or
// revoked passkey no longer opens their pages.
Result<bool> IsCurrentPasskey(registry::Registry& registry, const registry::User& user,
                              const Bytes& credential_id) {
  if (user.role != registry::UserRole::kPerformer) return true;
  FIGURANT_ASSIGN_OR_RETURN(
      const auto keys, registry.ListSignerKeys(registry::SignerKind::kPerformer, user.subject_id));
  for (const registry::SignerKey& k : keys) {
    if (!k.revoked_from && k.passkey && k.passkey->credential.id == credential_id) return true;
  }
  return false;
}

Result<webauthn::Credential> CredentialOf(const registry::PasskeyCredential& stored) {
  FIGURANT_ASSIGN_OR_RETURN(const webauthn::Algorithm alg,
                            webauthn::AlgorithmFromCose(stored.algorithm));
  return webauthn::Credential{stored.id, alg, stored.public_key_spki, stored.sign_count};
}

}  // namespace

Result<Reply> PasskeyEnrolmentOptions(Call& call) {
  BodyFields fields(call.body);
  FIGURANT_ASSIGN_OR_RETURN(const std::string code, fields.RequiredString("code", 64));
  FIGURANT_RETURN_IF_ERROR(fields.Finish());
  const Challenge c = call.state.challenges.Issue(EnrolmentSubject(code));
  Bytes handle(16);
  RandomBytes(handle.data(), handle.size());
  const std::string rp_id = RpIdOf(call.state.origin);
  return Reply::Json({{"challenge", ChallengeJson(c)},
                      {"rp", {{"id", rp_id}, {"name", "Figurant"}}},
                      {"user",
                       {{"id", webauthn::Base64Url(handle)},
                        {"name", "Figurant (" + rp_id + ")"},
                        {"display_name", "Figurant"}}},
                      {"algorithms",
                       {static_cast<int>(webauthn::Algorithm::kEs256),
                        static_cast<int>(webauthn::Algorithm::kEdDsa)}},
                      {"timeout_ms", kCeremonyTimeoutMs}});
}

Result<Reply> EnrolPasskey(Call& call) {
  BodyFields fields(call.body);
  FIGURANT_ASSIGN_OR_RETURN(const std::string code, fields.RequiredString("code", 64));
  FIGURANT_ASSIGN_OR_RETURN(const json credential, fields.RequiredObject("credential"));
  FIGURANT_ASSIGN_OR_RETURN(Bytes challenge, TakeChallenge(call, fields, EnrolmentSubject(code)));
  FIGURANT_RETURN_IF_ERROR(fields.Finish());
  FIGURANT_ASSIGN_OR_RETURN(const webauthn::Registration registration,
                            ReadRegistration(credential));
  FIGURANT_ASSIGN_OR_RETURN(
      const bank::PasskeyEnrolment enrolled,
      call.bank.EnrolPasskey(code, registration, ExpectedFor(call, std::move(challenge))));
  if (!enrolled.user) {
    return Reply::Json({{"signer", registry::SignerKindName(enrolled.key.signer)},
                        {"signer_id", enrolled.key.signer_id}},
                       201);
  }
  const registry::User& u = *enrolled.user;
  return SessionStarted(call, Principal{u.id, u.role, u.subject_id});
}

Result<Reply> PasskeyLogInOptions(Call& call) {
  FIGURANT_RETURN_IF_ERROR(BodyFields(call.body).Finish());
  const Challenge c = call.state.challenges.Issue(std::string(kPasskeyLogIn));
  return Reply::Json({{"challenge", ChallengeJson(c)},
                      {"rp_id", RpIdOf(call.state.origin)},
                      {"timeout_ms", kCeremonyTimeoutMs}});
}

// Every refusal answers the same 401 (log-in failed), whatever failed.
Result<Reply> LogInWithPasskey(Call& call) {
  BodyFields fields(call.body);
  auto challenge = TakeChallenge(call, fields, std::string(kPasskeyLogIn));
  if (!challenge.ok())
    return challenge.status().code() == StatusCode::kInvalidArgument ? challenge.status()
                                                                     : LogInFailed();
  FIGURANT_ASSIGN_OR_RETURN(const webauthn::Assertion assertion, ReadAssertion(fields));
  FIGURANT_RETURN_IF_ERROR(fields.Finish());
  registry::Registry& registry = call.bank.registry();
  FIGURANT_ASSIGN_OR_RETURN(const auto stored,
                            registry::FindUserPasskey(registry, assertion.credential_id));
  if (!stored) return LogInFailed();
  FIGURANT_ASSIGN_OR_RETURN(const registry::User user,
                            registry::GetUser(registry, stored->user_id));
  FIGURANT_ASSIGN_OR_RETURN(const bool current,
                            IsCurrentPasskey(registry, user, assertion.credential_id));
  FIGURANT_ASSIGN_OR_RETURN(const webauthn::Credential credential,
                            CredentialOf(stored->credential));
  auto verified =
      webauthn::VerifyAssertion(credential, ExpectedFor(call, *std::move(challenge)), assertion);
  if (!current || !verified.ok()) return LogInFailed();
  FIGURANT_RETURN_IF_ERROR(
      registry::SetUserPasskeySignCount(registry, credential.id, verified->sign_count));
  return SessionStarted(call, Principal{user.id, user.role, user.subject_id});
}

Result<Reply> PasskeyConsentRequest(Call& call) {
  BodyFields fields(call.body);
  FIGURANT_ASSIGN_OR_RETURN(const consent::Representation rep, RepresentationField(fields));
  FIGURANT_RETURN_IF_ERROR(fields.Finish());
  FIGURANT_ASSIGN_OR_RETURN(
      const bank::PasskeyConsentRequest request,
      call.bank.PasskeyConsentChallenge(call.params.at("licence"), call.state.clock.Now(), rep));
  return Reply::Json({{"signed_at", FormatTimestamp(request.record.signed_at)},
                      {"representation", consent::RepresentationName(rep)},
                      {"challenge", webauthn::Base64Url(request.challenge)},
                      {"allow", {webauthn::Base64Url(request.passkey.credential.id)}},
                      {"rp_id", request.passkey.rp_id},
                      {"timeout_ms", kCeremonyTimeoutMs}});
}

Result<Reply> SignLicenceWithPasskey(Call& call) {
  BodyFields fields(call.body);
  FIGURANT_ASSIGN_OR_RETURN(const std::string signed_text, fields.RequiredString("signed_at"));
  FIGURANT_ASSIGN_OR_RETURN(const consent::Representation rep, RepresentationField(fields));
  FIGURANT_ASSIGN_OR_RETURN(const webauthn::Assertion assertion, ReadAssertion(fields));
  FIGURANT_RETURN_IF_ERROR(fields.Finish());
  auto signed_at = ParseTimestamp(signed_text);
  if (!signed_at.ok()) return FieldError("signed_at", "expected YYYY-MM-DDTHH:MM:SSZ");
  FIGURANT_ASSIGN_OR_RETURN(
      const bank::LicenceView v,
      call.bank.SignLicenceWithPasskey(call.params.at("licence"), *signed_at, rep, assertion));
  return Reply::Json(LicenceJson(v));
}

}  // namespace figurant::api::internal
