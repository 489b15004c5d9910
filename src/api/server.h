// The bank's HTTP API server (docs/api.md) on cpp-httplib: routes from the route table
// (api/routes.h), sessions, CSRF, rate limits and security headers. `figurant serve` runs it.
//
// Threading: httplib answers each connection on one of `threads` worker threads, keeping the
// thread for as long as the connection is kept alive (idle up to kKeepAliveSeconds); a connection
// beyond `threads` waits for one to end. The one Bank the server owns is not thread-safe, so every
// request that reaches the bank holds one mutex for its whole duration (requests are answered one
// at a time against the bank; parsing, rate limits and replies are not serialised).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "api/rate_limit.h"
#include "api/routes.h"
#include "api/session.h"
#include "bank/bank.h"
#include "core/status.h"

namespace figurant::api {

// The default worker threads: enough for a few hundred clients on keep-alive connections at once;
// an idle worker costs only its stack's address space.
inline constexpr int kDefaultServeThreads = 256;
inline constexpr int kMaxServeThreads = 4096;
// How long an idle keep-alive connection keeps its worker, and how many requests it may send
// before the server closes it. [Units: s] [Units: requests]
inline constexpr int kKeepAliveSeconds = 5;
inline constexpr int kKeepAliveMaxRequests = 1000;

struct ServeOptions {
  std::string host = "127.0.0.1";  // an address to listen on
  int port = 8080;                 // [Limits: 0..65535] 0: any free port (see Server::port)
  // TLS through httplib's OpenSSL support: both or neither. Required unless `host` is loopback.
  std::filesystem::path tls_cert, tls_key;
  // The origin clients reach the server at, bound into log-in messages; empty: derived from the
  // scheme, host and bound port ("https://127.0.0.1:8443").
  std::string origin;
  SessionPolicy sessions;
  RateLimitPolicy login_limit;
  int threads = kDefaultServeThreads;  // worker threads [Limits: 1..kMaxServeThreads]
  // Pages served beside the API (the portal); none when null. Not owned: must outlive the server.
  const Site* site = nullptr;
};

// True for an address in 127.0.0.0/8, "::1" and "localhost"; false for any other name.
bool IsLoopback(const std::string& host);

class Server {
 public:
  // Checks the options and the route table and binds the address. InvalidArgument for a
  // non-loopback address without TLS, half a TLS pair or unreadable certificates; Unavailable
  // when the address cannot be bound; Internal for a route table that fails CheckRouteTable.
  static Result<std::unique_ptr<Server>> Start(std::unique_ptr<bank::Bank> bank,
                                               const ServeOptions& options);
  ~Server();

  int port() const { return port_; }
  const std::string& origin() const;
  // Answers requests until Stop(). Returns the listener's failure, if any.
  Status Run();
  // Stops Run() (from any thread) after the requests in progress.
  void Stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl, int port);
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace figurant::api
