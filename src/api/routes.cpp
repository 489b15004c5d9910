#include "api/routes.h"

#include <charconv>
#include <set>

#include "api/body.h"
#include "api/internal/handlers.h"
#include "registry/appearance_crops.h"

namespace figurant::api {

namespace {

using registry::UserRole;
namespace h = internal;

constexpr UserRole kPerformer = UserRole::kPerformer;
constexpr UserRole kStudio = UserRole::kStudio;
constexpr UserRole kUnion = UserRole::kUnion;
constexpr UserRole kOperator = UserRole::kOperator;
const std::vector<UserRole> kAnyRole = {kPerformer, kStudio, kUnion, kOperator};

Status Hidden() { return NotFound(std::string(kNotFoundMessage)); }

// The code of an error reply a handler made itself (HttpStatusFor's inverse; 429 is a refusal to
// try again yet).
StatusCode StatusForHttp(int status) {
  switch (status) {
    case 400:
      return StatusCode::kInvalidArgument;
    case 401:
      return StatusCode::kUnauthenticated;
    case 403:
    case 429:
      return StatusCode::kPermissionDenied;
    case 404:
      return StatusCode::kNotFound;
    case 409:
      return StatusCode::kFailedPrecondition;
    case 503:
      return StatusCode::kUnavailable;
    default:
      return StatusCode::kInternal;
  }
}

Status OwnPerformer(bank::Bank&, const Principal& who, const std::string& value) {
  return who.role == kPerformer && who.subject_id == value ? Status::Ok() : Hidden();
}

Status OwnStudio(bank::Bank&, const Principal& who, const std::string& value) {
  return who.role == kStudio && who.subject_id == value ? Status::Ok() : Hidden();
}

Status OwnLicence(bank::Bank& bank, const Principal& who, const std::string& value) {
  auto l = bank.registry().GetLicence(value);
  if (!l.ok()) return Hidden();
  const bool own = (who.role == kPerformer && l->performer_id == who.subject_id) ||
                   (who.role == kStudio && l->studio_id == who.subject_id);
  return own ? Status::Ok() : Hidden();
}

Status OwnProduction(bank::Bank& bank, const Principal& who, const std::string& value) {
  auto p = bank.registry().GetProduction(value);
  if (!p.ok()) return Hidden();
  return who.role == kStudio && p->studio_id == who.subject_id ? Status::Ok() : Hidden();
}

// Ledger entries are the auditor's to read, all of them; the value must be an entry number.
Status LedgerEntry(bank::Bank&, const Principal&, const std::string& value) {
  uint64_t n = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  return ec == std::errc() && end == value.data() + value.size() ? Status::Ok() : Hidden();
}

Status OwnUnion(bank::Bank&, const Principal& who, const std::string& value) {
  return who.role == kUnion && who.subject_id == value ? Status::Ok() : Hidden();
}

// A double the session's performer owns. An erased double answers as a missing one: after erasure
// nothing of it remains to show.
Status OwnDouble(bank::Bank& bank, const Principal& who, const std::string& value) {
  auto d = bank.registry().GetDouble(value);
  if (!d.ok() || d->status == registry::DoubleStatus::kErased) return Hidden();
  return who.role == kPerformer && d->performer_id == who.subject_id ? Status::Ok() : Hidden();
}

// An appearance crop of the session's performer. Crops are deleted on erasure, so an erased
// performer's crop answers as a missing one.
Status OwnCrop(bank::Bank& bank, const Principal& who, const std::string& value) {
  auto c = registry::GetAppearanceCrop(bank.registry(), value);
  if (!c.ok()) return Hidden();
  return who.role == kPerformer && c->performer_id == who.subject_id ? Status::Ok() : Hidden();
}

// Users are the operator's to manage; to anyone else every user id answers as a missing one.
Status AnyUser(bank::Bank& bank, const Principal& who, const std::string& value) {
  if (who.role != kOperator) return Hidden();
  return registry::GetUser(bank.registry(), value).ok() ? Status::Ok() : Hidden();
}

constexpr ParamKind kKinds[] = {
    {"performer", "the session's own performer", OwnPerformer},
    {"studio", "the session's own studio", OwnStudio},
    {"licence", "a licence the session's performer grants or the session's studio holds",
     OwnLicence},
    {"production", "a production of the session's studio", OwnProduction},
    {"entry", "a ledger entry number (every entry is the auditor's to read)", LedgerEntry},
    {"union", "the session's own union", OwnUnion},
    {"double", "a double of the session's performer (an erased one answers as a missing one)",
     OwnDouble},
    {"user", "a user of the bank (the operator's to manage)", AnyUser},
    {"crop", "an appearance crop of the session's performer", OwnCrop},
};

std::vector<Route> SessionRoutes() {
  return {
      {Method::kPost,
       "/api/v1/login/challenge",
       {},
       "A challenge to sign to log in",
       h::IssueChallenge,
       true},
      {Method::kPost,
       "/api/v1/login",
       {},
       "Log in with a signed challenge; starts a session",
       h::LogIn,
       true},
      {Method::kGet, "/api/v1/session", kAnyRole, "Who the session acts for", h::ShowSession},
      {Method::kDelete, "/api/v1/session", kAnyRole, "Log out", h::LogOut},
      {Method::kPost,
       "/api/v1/login/code",
       {},
       "Log in with a one-time sign-in code an operator issued; starts a session",
       h::LogInWithCode,
       true},
      {Method::kPost,
       "/api/v1/login/passkey/options",
       {},
       "A challenge for a passkey log-in (navigator.credentials.get)",
       h::PasskeyLogInOptions,
       true},
      {Method::kPost,
       "/api/v1/login/passkey",
       {},
       "Log in with a passkey assertion; starts a session",
       h::LogInWithPasskey,
       true},
      {Method::kPost,
       "/api/v1/enrolment/passkey/options",
       {},
       "The options to create a passkey with a one-time enrolment code "
       "(navigator.credentials.create)",
       h::PasskeyEnrolmentOptions,
       true},
      {Method::kPost,
       "/api/v1/enrolment/passkey",
       {},
       "Enrol a passkey with a one-time enrolment code; adds the performer's user and starts "
       "their session",
       h::EnrolPasskey,
       true},
      {Method::kPost,
       "/api/v1/enrolment",
       {},
       "Enrol a key with a one-time enrolment code; adds the performer's user",
       h::Enrol,
       true},
  };
}

// The bank's administration.
std::vector<Route> OperatorRoutes() {
  return {
      {Method::kGet, "/api/v1/performers", {kOperator}, "List performers", h::ListPerformers},
      {Method::kPost, "/api/v1/performers", {kOperator}, "Register a performer", h::AddPerformer},
      {Method::kGet, "/api/v1/studios", {kOperator}, "List studios", h::ListStudios},
      {Method::kPost,
       "/api/v1/studios",
       {kOperator},
       "Register a studio with its public key",
       h::AddStudio},
      {Method::kGet, "/api/v1/users", {kOperator}, "List users", h::ListUsers},
      {Method::kPost,
       "/api/v1/users",
       {kOperator},
       "Add a user who logs in with a public key",
       h::AddUser},
      {Method::kGet,
       "/api/v1/erasure-requests",
       {kOperator},
       "Performers' erasure requests",
       h::ListErasureRequests},
      {Method::kPost,
       "/api/v1/invites",
       {kOperator},
       "Issue a one-time enrolment code to a performer or their estate (shown once)",
       h::InviteSigner},
      {Method::kGet,
       "/api/v1/invites",
       {kOperator},
       "Every enrolment code issued, without the codes",
       h::ListInvites},
      {Method::kPost,
       "/api/v1/users/{user}/sign-in-code",
       {kOperator},
       "Issue a one-time sign-in code for a user (shown once)",
       h::IssueSignInCode},
  };
}

// A performer's own data.
std::vector<Route> PerformerRoutes() {
  return {
      {Method::kGet,
       "/api/v1/performers/{performer}",
       {kPerformer},
       "The performer's profile",
       h::ShowProfile},
      {Method::kGet,
       "/api/v1/performers/{performer}/doubles",
       {kPerformer},
       "The performer's doubles",
       h::ListDoubles},
      {Method::kGet,
       "/api/v1/performers/{performer}/licences",
       {kPerformer},
       "The performer's licences, drafts included",
       h::ListLicences},
      {Method::kGet,
       "/api/v1/performers/{performer}/offers",
       {kPerformer},
       "Drafts awaiting the performer's decision, with the exact disclosure text",
       h::ListOffers},
      {Method::kGet,
       "/api/v1/performers/{performer}/licences/{licence}",
       {kPerformer},
       "One licence with the exact disclosure text",
       h::ShowLicence},
      {Method::kPost,
       "/api/v1/performers/{performer}/licences/{licence}/revoke",
       {kPerformer},
       "Revoke a signed licence",
       h::RevokeLicence},
      {Method::kGet,
       "/api/v1/performers/{performer}/statement",
       {kPerformer},
       "What the performer is owed, from the ledger",
       h::StatementJson},
      {Method::kGet,
       "/api/v1/performers/{performer}/statement.csv",
       {kPerformer},
       "The statement as CSV",
       h::StatementCsv},
      {Method::kGet,
       "/api/v1/performers/{performer}/appearances",
       {kPerformer},
       "Every production and shot the performer's doubles appear in: frame ranges, "
       "screen-seconds, largest on-screen height",
       h::Appearances},
      {Method::kPost,
       "/api/v1/performers/{performer}/erasure-request",
       {kPerformer},
       "Ask the bank to erase the performer's data",
       h::RequestErasure},
      {Method::kGet,
       "/api/v1/performers/{performer}/doubles/{double}/mesh.glb",
       {kPerformer},
       "The double's geometry as binary glTF 2.0 (docs/interchange.md)",
       h::DoubleMesh},
      {Method::kGet,
       "/api/v1/performers/{performer}/doubles/{double}/thumbnail.png",
       {kPerformer},
       "The double's thumbnail, rendered by Figurant's renderer (PNG)",
       h::DoubleThumbnail},
      {Method::kGet,
       "/api/v1/performers/{performer}/crops/{crop}",
       {kPerformer},
       "The performer's appearance in one shot: the plate cut with their own matte (PNG)",
       h::AppearanceCrop},
      {Method::kGet,
       "/api/v1/performers/{performer}/export",
       {kPerformer},
       "Everything the bank holds about the performer, in one JSON document (GDPR art. 15, 20)",
       h::ExportPerformer},
  };
}

// A performer's consent in their own hands: what their device signs, and what it signed
// (docs/api.md, "Signing, declining and suspending through the API").
std::vector<Route> PerformerConsentRoutes() {
  return {
      {Method::kGet,
       "/api/v1/performers/{performer}/licences/{licence}/offer",
       {kPerformer},
       "The offer document the performer's device signs (figurant key sign)",
       h::ShowOfferDocument},
      {Method::kPost,
       "/api/v1/performers/{performer}/licences/{licence}/sign",
       {kPerformer},
       "Sign a draft with a consent signature made on the performer's device",
       h::SignLicence},
      {Method::kPost,
       "/api/v1/performers/{performer}/licences/{licence}/passkey-request",
       {kPerformer},
       "What the performer's passkey signs to consent to a draft: the consent's challenge",
       h::PasskeyConsentRequest},
      {Method::kPost,
       "/api/v1/performers/{performer}/licences/{licence}/sign-passkey",
       {kPerformer},
       "Sign a draft with a passkey assertion over its consent's challenge",
       h::SignLicenceWithPasskey},
      {Method::kPost,
       "/api/v1/performers/{performer}/licences/{licence}/decline",
       {kPerformer},
       "Decline an offer (a draft), with an optional reason",
       h::DeclineOffer},
      {Method::kPost,
       "/api/v1/performers/{performer}/licences/{licence}/suspension-request",
       {kPerformer},
       "The statement request to suspend or resume a licence, for the device to sign",
       h::RequestSuspension},
      {Method::kPost,
       "/api/v1/performers/{performer}/statements",
       {kPerformer},
       "Record a statement the performer signed on their device (suspend, resume, join or "
       "leave a union)",
       h::RecordPerformerStatement},
      {Method::kPost,
       "/api/v1/performers/{performer}/membership-request",
       {kPerformer},
       "The statement request to join or leave a union, for the device to sign",
       h::RequestMembership},
  };
}

// A studio's productions, offers and usage.
std::vector<Route> StudioRoutes() {
  return {
      {Method::kGet,
       "/api/v1/studios/{studio}/productions",
       {kStudio},
       "The studio's productions",
       h::ListProductions},
      {Method::kGet,
       "/api/v1/studios/{studio}/offers",
       {kStudio},
       "Licences the studio drafted or holds",
       h::ListStudioOffers},
      {Method::kPost,
       "/api/v1/studios/{studio}/offers",
       {kStudio},
       "Offer a performer a licence (a draft with its disclosure)",
       h::MakeOffer},
      {Method::kGet,
       "/api/v1/productions/{production}/usage",
       {kStudio},
       "What a production used and owes, from the ledger",
       h::ProductionUsage},
      {Method::kPost,
       "/api/v1/studios/{studio}/offers/preview",
       {kStudio},
       "The disclosure an offer would carry, in the performer's language; stores nothing",
       h::PreviewOffer},
      {Method::kPost,
       "/api/v1/studios/{studio}/licences/{licence}/reoffer",
       {kStudio},
       "Offer a licence signed under an older disclosure again, same terms, with the current text",
       h::ReofferLicence},
  };
}

// What a union auditor checks.
std::vector<Route> AuditorRoutes() {
  return {
      {Method::kGet, "/api/v1/ledger/export", {kUnion}, "The ledger's raw bytes", h::ExportLedger},
      {Method::kGet,
       "/api/v1/ledger/verification",
       {kUnion},
       "Verify the ledger with the bank's public key",
       h::VerifyLedger},
      {Method::kGet,
       "/api/v1/ledger/entries/{entry}/proof",
       {kUnion},
       "Inclusion proof of one entry in the newest signed head",
       h::ProveEntry},
      {Method::kGet,
       "/api/v1/unions/{union}/members",
       {kUnion},
       "The union's members, their membership periods and what each is owed, from the ledger",
       h::ListMembers},
      {Method::kGet,
       "/api/v1/unions/{union}/strikes",
       {kUnion},
       "The strikes the union declared",
       h::ListStrikes},
      {Method::kPost,
       "/api/v1/unions/{union}/strike-request",
       {kUnion},
       "The statement the union's key signs to declare or end a strike",
       h::StrikeRequest},
      {Method::kPost,
       "/api/v1/unions/{union}/statements",
       {kUnion},
       "Record a strike or end_strike statement signed with the union's key",
       h::RecordStrike},
      {Method::kPost,
       "/api/v1/ledger/verification/upload",
       {kUnion},
       "Verify a ledger export the auditor uploads, as `figurant ledger verify` does",
       h::VerifyUploadedLedger,
       false,
       h::kMaxLedgerUploadBytes},
  };
}

std::vector<Route> MakeRoutes() {
  std::vector<Route> all;
  for (auto part : {SessionRoutes, OperatorRoutes, PerformerRoutes, PerformerConsentRoutes,
                    StudioRoutes, AuditorRoutes}) {
    std::vector<Route> routes = part();
    all.insert(all.end(), routes.begin(), routes.end());
  }
  return all;
}

}  // namespace

std::string_view MethodName(Method m) {
  switch (m) {
    case Method::kGet:
      return "GET";
    case Method::kPost:
      return "POST";
    case Method::kDelete:
      return "DELETE";
  }
  return "";
}

Reply Reply::Json(const nlohmann::json& j, int status) {
  Reply r;
  r.status = status;
  // Messages may quote what a client sent, cut mid-character: never throw on bad UTF-8.
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Reply TooManyAttempts(int64_t retry_after_s) {
  Reply r = Reply::Json(ErrorJson("RESOURCE_EXHAUSTED", "too many attempts: try again in " +
                                                            std::to_string(retry_after_s) + " s"),
                        429);
  r.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
  return r;
}

const std::vector<Route>& Routes() {
  static const std::vector<Route> kRoutes = MakeRoutes();
  return kRoutes;
}

std::span<const ParamKind> ParamKinds() { return kKinds; }

std::vector<std::string> PathParams(std::string_view path) {
  std::vector<std::string> out;
  size_t at = 0;
  while ((at = path.find('{', at)) != std::string_view::npos) {
    const size_t end = path.find('}', at);
    if (end == std::string_view::npos) break;
    out.emplace_back(path.substr(at + 1, end - at - 1));
    at = end + 1;
  }
  return out;
}

std::string PathRegex(std::string_view path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '{') {
      i = path.find('}', i);
      out += "([^/]+)";
    } else if (c == '.') {
      out += "\\.";
    } else {
      out += c;
    }
  }
  return out;
}

Status CheckRouteTable(std::span<const Route> routes) {
  std::set<std::pair<Method, std::string_view>> seen;
  for (const Route& r : routes) {
    const std::string name = std::string(MethodName(r.method)) + " " + std::string(r.path);
    if (!seen.emplace(r.method, r.path).second) return Internal(name + ": listed twice");
    if (r.raw_body_limit > 0 && r.method != Method::kPost) {
      return Internal(name + ": only a POST route takes a raw body");
    }
    for (const std::string& p : PathParams(r.path)) {
      bool known = false;
      for (const ParamKind& k : kKinds) known = known || k.name == p;
      if (!known) return Internal(name + ": parameter {" + p + "} has no ownership rule");
    }
  }
  return Status::Ok();
}

Result<nlohmann::json> CallApi(const Call& page, Method method, std::string_view path,
                               const std::map<std::string, std::string>& params,
                               const nlohmann::json& body) {
  const Route* route = nullptr;
  for (const Route& r : Routes()) {
    if (r.method == method && r.path == path) route = &r;
  }
  if (route == nullptr) return Internal("CallApi: no route " + std::string(path));
  FIGURANT_RETURN_IF_ERROR(Authorise(*route, page.principal, params, page.bank));
  Call call{page.bank, page.state, page.principal, page.session_sha256, params, body};
  FIGURANT_ASSIGN_OR_RETURN(Reply reply, route->handler(call));
  auto json = nlohmann::json::parse(reply.body, nullptr, false);
  if (reply.status >= 400) {
    const std::string message =
        json.is_object() ? json["error"].value("message", reply.body) : reply.body;
    return Status(StatusForHttp(reply.status), message);
  }
  if (reply.content_type != "application/json") return nlohmann::json(reply.body);
  if (json.is_discarded()) return Internal(std::string(path) + ": a reply that is not JSON");
  return json;
}

Status Authorise(const Route& route, const Principal& who,
                 const std::map<std::string, std::string>& params, bank::Bank& bank) {
  if (route.roles.empty()) return Status::Ok();
  if (std::find(route.roles.begin(), route.roles.end(), who.role) == route.roles.end()) {
    return Hidden();
  }
  for (const ParamKind& kind : kKinds) {
    const auto it = params.find(std::string(kind.name));
    if (it != params.end()) FIGURANT_RETURN_IF_ERROR(kind.check(bank, who, it->second));
  }
  return Status::Ok();
}

}  // namespace figurant::api
