// The real `figurant serve` in a test: started on a free loopback port, stopped by SIGTERM, and
// a client that logs in as a user's device would (signing the server's challenge with the user's
// Ed25519 key; docs/api.md, "Logging in").
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/crypto.h"

namespace figurant::testing {

// `figurant --bank BANK serve --listen 127.0.0.1:0 ARGS` (the test build, FIGURANT_NOW=now), up
// and listening when the constructor returns; stopped (SIGTERM, then waited for) by the
// destructor. `ok()` is false, with `error()` saying why, when it did not start.
class ServeProcess {
 public:
  ServeProcess(const std::string& bank, const std::string& now,
               const std::vector<std::string>& args = {});
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  bool ok() const { return port_ > 0; }
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  const std::string& origin() const { return origin_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string origin_;
  std::string error_;
};

// A user's device: the user id and the private key only the device holds.
struct Device {
  std::string user;
  SigningKeyPair key;
};
// A fresh key pair (the user is added later).
Device NewDevice();

// A logged-in session as the client holds it.
struct ApiSession {
  std::string cookie;  // "__Host-figurant_session=TOKEN", for the Cookie header
  std::string csrf;    // for X-CSRF-Token
};

struct ApiReply {
  int status = 0;  // 0: no reply (connection failed)
  std::string body;
  std::map<std::string, std::string> headers;  // the first value of each
  nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
};

// The log-in message of docs/api.md, written here independently of src/api.
std::string LoginMessageAsDocumented(const std::string& challenge, const std::string& user,
                                     const std::string& origin);

// `text` HTML-escaped as the portal's templates escape a value (kainjow's Mustache: & < > " '),
// written here independently of src/portal, to find a value in a page.
std::string HtmlEscaped(const std::string& text);

class ApiClient {
 public:
  explicit ApiClient(int port) : port_(port) {}

  // `method` GET, POST or DELETE; `body` sent as application/json unless `content_type` says
  // otherwise; the session's cookie and CSRF token when given (`csrf` overrides the token,
  // "" sends none).
  ApiReply Send(const std::string& method, const std::string& path,
                const std::optional<ApiSession>& session = std::nullopt,
                const std::string& body = "", std::optional<std::string> csrf = std::nullopt,
                const std::string& content_type = "application/json") const;
  // Challenge, sign, log in. nullopt (with the failing reply in `failure`) when refused.
  std::optional<ApiSession> LogIn(const Device& device, const std::string& origin,
                                  ApiReply* failure = nullptr) const;
  // A session started with the one-time sign-in code `code`, as the portal's log-in page starts
  // one (POST /api/v1/login/code). nullopt (with the failing reply in `failure`) when refused.
  std::optional<ApiSession> LogInWithCode(const std::string& code,
                                          ApiReply* failure = nullptr) const;

 private:
  int port_;
};

}  // namespace figurant::testing
