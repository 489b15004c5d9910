// The HTTP API's route table: the single source of truth for what the server answers. Each route
// names its method, its path pattern, the roles that may call it and its handler; the server
// registers handlers from this table only, docs/openapi.json must list exactly these routes
// (api_test checks both directions), and the authorisation matrix test is generated from it.
//
// Authorisation is decided here, in one place (Authorise), from the route's roles and the path
// parameters it names: a parameter's name says what kind of object it is and who owns it
// (kParamKinds). Anything a caller may not see answers NotFound with one fixed message, exactly as
// if it did not exist.
#pragma once

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/ledger_views.h"
#include "api/login.h"
#include "api/principal.h"
#include "api/rate_limit.h"
#include "api/session.h"
#include "bank/bank.h"

namespace figurant::api {

enum class Method { kGet, kPost, kDelete };
std::string_view MethodName(Method m);  // "GET", "POST", "DELETE"
// POST and DELETE change state: they need the session's CSRF token.
inline bool ChangesState(Method m) { return m != Method::kGet; }

// One client address may stand for several users (an office, a union's NAT): its bucket holds
// this many times a user's.
inline constexpr int kAddressLimitFactor = 5;

// What a server knows beyond the bank: its origin, its log-in state and its limits.
// Rendered double thumbnails (PNG bytes) by double id, at most kMaxEntries (when full, the first id
// in order makes room). A double's geometry never changes once stored, so an entry stays valid; an
// erased double's {double} no longer authorises, so its entry is never answered again.
struct ThumbnailCache {
  static constexpr size_t kMaxEntries = 256;
  std::mutex mutex;
  std::map<std::string, std::string> png;
};

struct ServerState {
  ServerState(const Clock& clock, std::string origin, SessionPolicy sessions,
              RateLimitPolicy login_limit)
      : clock(clock),
        origin(std::move(origin)),
        sessions(sessions),
        challenges(clock),
        per_address(clock, {login_limit.burst * kAddressLimitFactor,
                            login_limit.per_minute * kAddressLimitFactor}),
        per_user(clock, login_limit) {}
  const Clock& clock;
  const std::string origin;  // e.g. "https://bank.example:8443": bound into log-in messages
  const SessionPolicy sessions;
  ChallengeStore challenges;
  RateLimiter per_address;  // log-in and enrolment attempts by client address
  RateLimiter per_user;     // log-in attempts by user id
  // Statements and appearances by ledger head (api/ledger_views.h).
  LedgerViews ledger_views;
  ThumbnailCache thumbnails;
};

// One authorised request, as a handler sees it. The bank is locked for the handler's duration.
struct Call {
  bank::Bank& bank;
  ServerState& state;
  Principal principal;                        // empty user_id on a public route
  std::string session_sha256;                 // the session's token hash, empty on a public route
  std::map<std::string, std::string> params;  // path parameters by name, already authorised
  nlohmann::json body;                        // the request body, a JSON object ({} when none)
  // For pages (Site): the query string's parameters and the request's Cookie and
  // Accept-Language headers, as sent (untrusted).
  std::map<std::string, std::string> query;
  std::string cookies, accept_language;
  // A raw-body route's bytes (Route::raw_body_limit), as sent; empty for every other route.
  std::string raw_body;
};

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Reply Json(const nlohmann::json& j, int status = 200);
};

// 429 with Retry-After: the answer to a rate-limited attempt. [Units: s]
Reply TooManyAttempts(int64_t retry_after_s);

using Handler = Result<Reply> (*)(Call&);

struct Route {
  Method method;
  std::string_view path;  // "/api/v1/performers/{performer}/licences": {name} is a parameter
  // Who may call it; empty for a public route (log-in), which needs no session.
  std::vector<registry::UserRole> roles;
  std::string_view summary;
  Handler handler;
  // Log-in and enrolment: limited per client address (RateLimiter), before anything else.
  bool rate_limited = false;
  // 0 for a route whose body is a JSON object (at most kMaxBodyBytes, api/body.h). Otherwise the
  // route takes its body as raw bytes (`application/octet-stream`, e.g. a ledger export, in
  // Call::raw_body) of at most this many; the server reads them only after the session, the role,
  // ownership and the CSRF token are checked, and refuses a longer Content-Length (413) unread.
  // [Units: bytes] [Limits: a POST route only]
  size_t raw_body_limit = 0;
};

const std::vector<Route>& Routes();

// How a path parameter's value is owned (docs/api.md, "Authorisation").
struct ParamKind {
  std::string_view name;  // as written in paths: "performer"
  std::string_view rule;  // one line for docs and test failures
  // OK when `who` may see the object `value` names; NotFound otherwise.
  Status (*check)(bank::Bank& bank, const Principal& who, const std::string& value);
};
std::span<const ParamKind> ParamKinds();

// The parameter names of `path`, in order: "/a/{x}/b/{y}" → {"x", "y"}.
std::vector<std::string> PathParams(std::string_view path);
// The regular expression matching `path`, one capture per parameter.
std::string PathRegex(std::string_view path);
// OK when every route's parameters are known kinds and no two routes share method and path;
// Internal naming the route otherwise. The server refuses to start without it.
Status CheckRouteTable(std::span<const Route> routes);

// Pages a server shows beside the API (the portal, src/portal): GET routes answering HTML, with the
// API's sessions and authorisation (Authorise, the same parameter kinds).
struct Site {
  std::vector<Route> pages;  // GET only; checked by CheckRouteTable like the API's
  // Where a page that needs a session sends a browser without one (303, with ?next=PATH).
  std::string login_path = "/login";
  // The HTML page for a page's failure (its status HttpStatusFor the failure's code; a 5xx
  // failure's message is already replaced by a generic one), in the language the request's Cookie
  // and Accept-Language headers ask for.
  Reply (*error_page)(const Status& failure, std::string_view cookies,
                      std::string_view accept_language) = nullptr;
  // GET /assets/NAME: a static file the site serves, or nullopt (404).
  std::optional<Reply> (*asset)(std::string_view name) = nullptr;
};

// Calls the API route `method` `path` (a pattern of the route table, e.g.
// "/api/v1/performers/{performer}/licences") for a page, as the page's own principal: `params`
// fill the pattern, Authorise decides as for a request, the route's handler answers. The reply's
// JSON body, or the failure as a Status (an error reply's code and message). How a page is built
// on the API without a second copy of what a route answers.
Result<nlohmann::json> CallApi(const Call& page, Method method, std::string_view path,
                               const std::map<std::string, std::string>& params,
                               const nlohmann::json& body = nlohmann::json::object());

// The one answer to anything a caller may not see (another's object, a nonexistent one, a route
// of another role): NotFound with this message.
inline constexpr std::string_view kNotFoundMessage = "no such resource";

// Whether `who` may call `route` with `params`: NotFound (kNotFoundMessage) when the role is not
// the route's or a parameter names an object `who` does not own.
Status Authorise(const Route& route, const Principal& who,
                 const std::map<std::string, std::string>& params, bank::Bank& bank);

}  // namespace figurant::api
