#include "api/server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <iostream>
#include <limits>
#include <mutex>
#include <optional>
#include <regex>
#include <span>

#include "api/body.h"
#include "api/routes.h"
#include "core/file.h"

namespace figurant::api {

namespace {

// Headers on every reply, errors included (docs/api.md, "Security headers"). The CSP allows no
// inline script: the pages of the next issue load theirs from the server's own files.
const httplib::Headers kSecurityHeaders = {
    {"Content-Security-Policy", "default-src 'self'; script-src 'self'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"Cache-Control", "no-store"},
    {"X-Frame-Options", "DENY"},
};
constexpr std::string_view kHsts = "max-age=31536000";
// Connections the kernel queues for the server to accept: a few hundred clients connecting at
// once. [Limits: <= net.core.somaxconn, which Linux applies]
constexpr int kListenBacklog = 1024;

// What a caller may learn of a failure: a 404 says nothing, a 5xx's details go to the operator's
// log, not to the caller.
Status Shown(const Status& s) {
  if (s.code() == StatusCode::kNotFound) return NotFound(std::string(kNotFoundMessage));
  if (HttpStatusFor(s.code()) >= 500) {
    std::cerr << "figurant serve: " << s.ToString() << '\n';
    return Status(s.code(), "the bank could not answer; the operator's log says why");
  }
  return s;
}

Reply ErrorReply(const Status& failure) {
  const Status s = Shown(failure);
  return Reply::Json(ErrorJson(StatusCodeName(s.code()), s.message()), HttpStatusFor(s.code()));
}

// "/me?x=1" as a query parameter's value.
std::string UrlEncoded(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

// A body that is not JSON: 415, before anything reads it. HTML forms cannot send JSON, so this
// also keeps cross-site form posts out.
std::optional<Reply> UnsupportedMediaType(const httplib::Request& req) {
  const std::string type = req.get_header_value("Content-Type");
  if (req.body.empty() || type.rfind("application/json", 0) == 0) return std::nullopt;
  return Reply::Json(ErrorJson("INVALID_ARGUMENT", std::string(kBodySource) +
                                                       ": Content-Type must be application/json, "
                                                       "got '" +
                                                       type.substr(0, 60) + "'"),
                     415);
}

// "request body: over the limit of N bytes": the refusal of a body too long for its route.
Status OverTheLimit(size_t limit) {
  return InvalidArgument(std::string(kBodySource) + ": over the limit of " + std::to_string(limit) +
                         " bytes");
}

// OverTheLimit's reply to a Content-Length: 413.
Reply BodyTooLarge(size_t limit) {
  const Status s = OverTheLimit(limit);
  return Reply::Json(ErrorJson(StatusCodeName(s.code()), s.message()), 413);
}

// The largest body any route takes: what httplib may read at all. A JSON route's smaller limit is
// checked before the body is read (RefuseLongJsonBody), a raw-body route's by the route itself.
size_t LargestBody(std::span<const Route> routes) {
  size_t largest = kMaxBodyBytes;
  for (const Route& r : routes) largest = std::max(largest, r.raw_body_limit);
  return largest;
}

// The request's Content-Length, or nullopt when it has none (a chunked body, or no body).
std::optional<uint64_t> ContentLength(const httplib::Request& req) {
  if (!req.has_header("Content-Length")) return std::nullopt;
  const std::string text = req.get_header_value("Content-Length");
  uint64_t n = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
  // httplib refuses a length it cannot read before any handler runs; be safe anyway.
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::numeric_limits<uint64_t>::max();
  }
  return n;
}

// A raw-body route's body (Route::raw_body_limit), checked once the request is authorised: 415 for
// a type other than application/octet-stream, 413 for a Content-Length over the limit, before a
// byte of it is read.
std::optional<Reply> RefuseRawBody(const Route& route, const httplib::Request& req) {
  const std::string type = req.get_header_value("Content-Type");
  if (type.rfind("application/octet-stream", 0) != 0) {
    return Reply::Json(ErrorJson("INVALID_ARGUMENT", std::string(kBodySource) +
                                                         ": Content-Type must be "
                                                         "application/octet-stream, got '" +
                                                         type.substr(0, 60) + "'"),
                       415);
  }
  if (ContentLength(req).value_or(0) > route.raw_body_limit) {
    return BodyTooLarge(route.raw_body_limit);
  }
  return std::nullopt;
}

// The bytes of a raw body, up to `limit`: InvalidArgument naming the limit when a body sent
// without a length (chunked) runs over it, which stops the reading there. No body: "".
Result<std::string> ReadRawBody(const httplib::Request& req, const httplib::ContentReader& reader,
                                size_t limit) {
  std::string bytes;
  const bool chunked =
      req.get_header_value("Transfer-Encoding").find("chunked") != std::string::npos;
  if (!chunked && ContentLength(req).value_or(0) == 0) return bytes;
  bool over = false;
  const bool read = reader([&](const char* data, size_t n) {
    over = bytes.size() + n > limit;
    if (!over) bytes.append(data, n);
    return !over;
  });
  if (over) return OverTheLimit(limit);
  if (!read) return InvalidArgument(std::string(kBodySource) + ": the upload was cut short");
  return bytes;
}

// Before a JSON route's body is read: a Content-Length over kMaxBodyBytes is refused (413),
// unread. (httplib may read up to LargestBody, for the raw-body routes, which check their own.)
bool RefuseLongJsonBody(const httplib::Request& req, httplib::Response& res,
                        std::span<const std::regex> raw_routes) {
  if (ContentLength(req).value_or(0) <= kMaxBodyBytes) return false;
  for (const std::regex& pattern : raw_routes) {
    if (req.method == "POST" && std::regex_match(req.path, pattern)) return false;
  }
  const Reply r = BodyTooLarge(kMaxBodyBytes);
  res.status = r.status;
  res.set_content(r.body, r.content_type);
  return true;
}

// A loopback address without TLS is reached as "localhost": the one name browsers treat as a
// secure context over http and accept as a WebAuthn relying party (an IP address is neither).
std::string DefaultOrigin(const ServeOptions& o, int port) {
  const bool v6 = o.host.find(':') != std::string::npos;
  const std::string host = o.tls_cert.empty() && IsLoopback(o.host) ? "localhost"
                           : v6                                     ? "[" + o.host + "]"
                                                                    : o.host;
  return std::string(o.tls_cert.empty() ? "http" : "https") + "://" + host + ":" +
         std::to_string(port);
}

Status CheckOptions(const ServeOptions& o) {
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    return InvalidArgument("--tls-cert and --tls-key go together: give both or neither");
  }
  if (o.tls_cert.empty() && !IsLoopback(o.host)) {
    return InvalidArgument("--listen " + o.host +
                           ": not a loopback address; serving beyond this machine needs TLS "
                           "(--tls-cert FILE --tls-key FILE)");
  }
  for (const auto& f : {o.tls_cert, o.tls_key}) {
    if (!f.empty()) FIGURANT_RETURN_IF_ERROR(ReadFile(f).status().WithContext("TLS"));
  }
  if (o.sessions.idle_seconds <= 0 || o.sessions.absolute_seconds <= 0 || o.login_limit.burst < 1 ||
      o.login_limit.per_minute < 1) {
    return InvalidArgument("session lifetimes and rate limits must be positive");
  }
  if (o.threads < 1 || o.threads > kMaxServeThreads) {
    return InvalidArgument("--threads " + std::to_string(o.threads) + ": expected 1.." +
                           std::to_string(kMaxServeThreads));
  }
  return Status::Ok();
}

// Binds and listens. httplib listens with a backlog of 5 connections (compiled into Debian's
// library): when more clients connect at once the kernel drops their handshakes, and a client that
// already sent its request sees the connection fail. The listening socket is kept as httplib makes
// it and listened on again with kListenBacklog (Linux then only raises the queue's length; it is
// capped at net.core.somaxconn).
Result<int> Bind(httplib::Server& http, const ServeOptions& o) {
  int listening = -1;
  http.set_socket_options([&listening](socket_t sock) {
    httplib::default_socket_options(sock);
    listening = sock;
  });
  int port = o.port;
  if (port == 0) {
    port = http.bind_to_any_port(o.host);
  } else if (!http.bind_to_port(o.host, port)) {
    port = -1;
  }
  if (port <= 0 || listening < 0 || ::listen(listening, kListenBacklog) != 0) {
    return Unavailable("cannot listen on " + o.host + ":" + std::to_string(o.port));
  }
  http.set_socket_options(httplib::default_socket_options);  // `listening` goes out of scope
  return port;
}

bool IsStorageFailure(StatusCode code) {
  return code == StatusCode::kDataLoss || code == StatusCode::kUnavailable ||
         code == StatusCode::kInternal;
}

}  // namespace

bool IsLoopback(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  // An IPv4 address in 127.0.0.0/8, written as one: "127.evil.example" is a name, and a name
  // resolves to whatever its owner says.
  in_addr v4{};
  constexpr uint32_t kLoopbackNet = 0x7f000000, kLoopbackMask = 0xff000000;
  return ::inet_pton(AF_INET, host.c_str(), &v4) == 1 &&
         (ntohl(v4.s_addr) & kLoopbackMask) == kLoopbackNet;
}

struct Server::Impl {
  std::unique_ptr<bank::Bank> bank;
  std::unique_ptr<ServerState> state;
  std::unique_ptr<httplib::Server> http;
  std::mutex bank_mutex;  // the Bank is not thread-safe

  const Site* site = nullptr;
  std::vector<std::regex> raw_paths;  // the paths of the raw-body routes (Route::raw_body_limit)

  // `raw` reads a raw-body route's body; null for any other route.
  Result<Reply> Answer(const Route& route, const httplib::Request& req,
                       const httplib::ContentReader* raw = nullptr);
  void Handle(const Route& route, const httplib::Request& req, httplib::Response& res,
              const httplib::ContentReader* raw = nullptr);
  void HandlePage(const Route& route, const httplib::Request& req, httplib::Response& res);
  void RegisterRoutes();
  void RegisterSite();
};

// The stages every request goes through, in order: rate limit (log-in), session (401), role and
// ownership (404), CSRF (403), body (400, 413, 415), handler.
Result<Reply> Server::Impl::Answer(const Route& route, const httplib::Request& req,
                                   const httplib::ContentReader* raw) {
  if (route.rate_limited) {
    if (auto wait = state->per_address.Take("addr:" + req.remote_addr)) {
      return TooManyAttempts(*wait);
    }
  }
  std::unique_lock lock(bank_mutex);
  Call call{*bank, *state, {}, {}, {}, nlohmann::json::object()};
  for (const auto& [name, value] : req.params) call.query.emplace(name, value);
  call.cookies = req.get_header_value("Cookie");
  call.accept_language = req.get_header_value("Accept-Language");
  const std::vector<std::string> names = PathParams(route.path);
  for (size_t i = 0; i < names.size() && i + 1 < req.matches.size(); ++i) {
    call.params[names[i]] = req.matches[i + 1].str();
  }
  if (!route.roles.empty()) {
    FIGURANT_ASSIGN_OR_RETURN(ActiveSession session,
                              ResumeSession(bank->registry(), state->clock, state->sessions,
                                            req.get_header_value("Cookie")));
    call.principal = session.principal;
    call.session_sha256 = session.token_sha256;
    FIGURANT_RETURN_IF_ERROR(Authorise(route, call.principal, call.params, *bank));
    if (ChangesState(route.method) &&
        !CsrfMatches(session, req.get_header_value(std::string(kCsrfHeader)))) {
      return PermissionDenied("missing or wrong " + std::string(kCsrfHeader) +
                              " header: send the csrf_token given at log-in");
    }
  }
  if (raw != nullptr) {
    if (auto refused = RefuseRawBody(route, req)) return *refused;
    lock.unlock();  // a long upload does not hold up everyone else's requests
    Result<std::string> bytes = ReadRawBody(req, *raw, route.raw_body_limit);
    lock.lock();
    FIGURANT_ASSIGN_OR_RETURN(call.raw_body, std::move(bytes));
  } else if (ChangesState(route.method)) {
    if (auto refused = UnsupportedMediaType(req)) return *refused;
    FIGURANT_ASSIGN_OR_RETURN(call.body, ParseBody(req.body));
  }
  Result<Reply> reply = route.handler(call);
  // The ledger stays open between requests: reopening it re-verifies every entry and reconciles
  // the registry, which cost most of a read's time. Open, it locks nothing: a writer holds the
  // ledger's lock for one append only (ledger/ledger.h, "Several writers"), so CLI processes on
  // the bank (renders) append meanwhile, and Bank::Ledger() reads what they appended (Refresh)
  // before any request uses it. After a failure that may come from the ledger or the disk it is
  // closed, so that the next request reopens it, repairing and reconciling as opening does.
  if (!reply.ok() && IsStorageFailure(reply.status().code())) bank->CloseLedger();
  return reply;
}

void Server::Impl::Handle(const Route& route, const httplib::Request& req, httplib::Response& res,
                          const httplib::ContentReader* raw) {
  Result<Reply> reply = Answer(route, req, raw);
  const Reply& r = reply.ok() ? *reply : ErrorReply(reply.status());
  res.status = r.status;
  for (const auto& [name, value] : r.headers) res.set_header(name, value);
  res.set_content(r.body, r.content_type);
}

// A page answers as its route does, except: without a session the browser is sent to log in
// (303), and a failure is an HTML page.
void Server::Impl::HandlePage(const Route& route, const httplib::Request& req,
                              httplib::Response& res) {
  Result<Reply> reply = Answer(route, req);
  if (!reply.ok() && reply.status().code() == StatusCode::kUnauthenticated) {
    res.status = 303;
    res.set_header("Location", site->login_path + "?next=" + UrlEncoded(req.path));
    return;
  }
  const Reply r = reply.ok()
                      ? *reply
                      : site->error_page(Shown(reply.status()), req.get_header_value("Cookie"),
                                         req.get_header_value("Accept-Language"));
  res.status = r.status;
  for (const auto& [name, value] : r.headers) res.set_header(name, value);
  res.set_content(r.body, r.content_type);
}

void Server::Impl::RegisterSite() {
  for (const Route& page : site->pages) {
    http->Get(PathRegex(page.path),
              [this, &page](const httplib::Request& req, httplib::Response& res) {
                HandlePage(page, req, res);
              });
  }
  http->Get("/assets/([A-Za-z0-9_.-]+)",
            [this](const httplib::Request& req, httplib::Response& res) {
              const std::optional<Reply> file = site->asset(req.matches[1].str());
              const Reply r = file ? *file : ErrorReply(NotFound(""));
              res.status = r.status;
              res.set_content(r.body, r.content_type);
            });
}

void Server::Impl::RegisterRoutes() {
  for (const Route& route : Routes()) {
    auto handle = [this, &route](const httplib::Request& req, httplib::Response& res) {
      Handle(route, req, res);
    };
    const std::string pattern = PathRegex(route.path);
    if (route.raw_body_limit > 0) {  // a POST (CheckRouteTable)
      raw_paths.emplace_back(pattern);
      http->Post(pattern, [this, &route](const httplib::Request& req, httplib::Response& res,
                                         const httplib::ContentReader& reader) {
        Handle(route, req, res, &reader);
      });
      continue;
    }
    switch (route.method) {
      case Method::kGet:
        http->Get(pattern, handle);
        break;
      case Method::kPost:
        http->Post(pattern, handle);
        break;
      case Method::kDelete:
        http->Delete(pattern, handle);
        break;
    }
  }
  // Replies httplib makes itself (no route, a body over the limit) get the same error body.
  using Response = httplib::Server::HandlerResponse;
  http->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    return RefuseLongJsonBody(req, res, raw_paths) ? Response::Handled : Response::Unhandled;
  });
  http->set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return Response::Unhandled;
        const Status s = res.status == 404   ? NotFound(std::string(kNotFoundMessage))
                         : res.status == 413 ? OverTheLimit(kMaxBodyBytes)
                                             : InvalidArgument("bad request");
        const Reply r = Reply::Json(ErrorJson(StatusCodeName(s.code()), s.message()), res.status);
        res.set_content(r.body, r.content_type);
        return Response::Handled;
      }));
  http->set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, const std::exception_ptr&) {
        const Reply r = ErrorReply(Internal("a handler threw"));
        res.status = r.status;
        res.set_content(r.body, r.content_type);
      });
}

Server::Server(std::unique_ptr<Impl> impl, int port) : impl_(std::move(impl)), port_(port) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::Start(std::unique_ptr<bank::Bank> bank,
                                              const ServeOptions& options) {
  FIGURANT_RETURN_IF_ERROR(CheckOptions(options));
  FIGURANT_RETURN_IF_ERROR(CheckRouteTable(Routes()));
  if (options.site != nullptr) {
    FIGURANT_RETURN_IF_ERROR(CheckRouteTable(options.site->pages));
    if (options.site->error_page == nullptr || options.site->asset == nullptr) {
      return Internal("a site needs its error page and its assets");
    }
  }
  auto impl = std::make_unique<Impl>();
  if (options.tls_cert.empty()) {
    impl->http = std::make_unique<httplib::Server>();
  } else {
    impl->http =
        std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
  }
  if (!impl->http->is_valid()) {
    return InvalidArgument("--tls-cert/--tls-key: not a certificate and its private key (PEM)");
  }
  httplib::Headers headers = kSecurityHeaders;
  if (!options.tls_cert.empty()) headers.emplace("Strict-Transport-Security", kHsts);
  impl->http->set_default_headers(headers);
  impl->http->set_payload_max_length(LargestBody(Routes()));
  const auto threads = static_cast<size_t>(options.threads);
  // httplib owns (and deletes) the queue this returns.
  impl->http->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  impl->http->set_keep_alive_timeout(kKeepAliveSeconds);
  impl->http->set_keep_alive_max_count(kKeepAliveMaxRequests);
  FIGURANT_ASSIGN_OR_RETURN(const int port, Bind(*impl->http, options));
  const Clock& clock = bank->clock();
  impl->state = std::make_unique<ServerState>(
      clock, options.origin.empty() ? DefaultOrigin(options, port) : options.origin,
      options.sessions, options.login_limit);
  impl->bank = std::move(bank);
  impl->site = options.site;
  impl->RegisterRoutes();
  if (impl->site != nullptr) impl->RegisterSite();
  return std::unique_ptr<Server>(new Server(std::move(impl), port));
}

const std::string& Server::origin() const { return impl_->state->origin; }

Status Server::Run() {
  if (!impl_->http->listen_after_bind()) return Unavailable("the listener stopped with an error");
  return Status::Ok();
}

void Server::Stop() { impl_->http->stop(); }

}  // namespace figurant::api
