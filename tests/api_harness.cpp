#include "api_harness.h"

#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "cli_harness.h"

namespace figurant::testing {

namespace {

// How long a server may take to start listening. [Units: ms]
constexpr int kStartTimeoutMs = 30000;

// The first line `fd` yields within the timeout ("" when none).
std::string ReadLine(int fd) {
  std::string line;
  char c = 0;
  while (true) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, kStartTimeoutMs) <= 0) return "";
    if (::read(fd, &c, 1) != 1 || c == '\n') return line;
    line += c;
  }
}

}  // namespace

ServeProcess::ServeProcess(const std::string& bank, const std::string& now,
                           const std::vector<std::string>& args) {
  int out[2];
  if (::pipe(out) != 0) {
    error_ = "pipe failed";
    return;
  }
  const std::string bin = TestClockBinary().string();
  std::vector<std::string> argv_s = {bin, "--bank", bank, "serve", "--listen", "127.0.0.1:0"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(out[1], 1);
    ::close(out[0]);
    ::setenv("FIGURANT_NOW", now.c_str(), 1);
    std::vector<char*> argv;
    argv.reserve(argv_s.size() + 1);
    for (std::string& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  const std::string line = ReadLine(out[0]);
  ::close(out[0]);
  const auto j = nlohmann::json::parse(line, nullptr, false);
  if (!j.is_object() || !j.contains("port")) {
    error_ = "serve printed '" + line + "' instead of its port";
    return;
  }
  port_ = j["port"].get<int>();
  origin_ = j["origin"].get<std::string>();
}

ServeProcess::~ServeProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
}

Device NewDevice() { return {"", GenerateSigningKeyPair()}; }

std::string LoginMessageAsDocumented(const std::string& challenge, const std::string& user,
                                     const std::string& origin) {
  return "figurant-login-v1\nchallenge:" + challenge + "\nuser:" + user + "\norigin:" + origin +
         "\n";
}

ApiReply ApiClient::Send(const std::string& method, const std::string& path,
                         const std::optional<ApiSession>& session, const std::string& body,
                         std::optional<std::string> csrf, const std::string& content_type) const {
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(std::chrono::seconds(30));
  httplib::Headers headers;
  if (session) headers.emplace("Cookie", session->cookie);
  const std::string token = csrf ? *csrf : (session ? session->csrf : "");
  if (!token.empty()) headers.emplace("X-CSRF-Token", token);
  httplib::Result r = method == "GET"    ? client.Get(path, headers)
                      : method == "POST" ? client.Post(path, headers, body, content_type)
                                         : client.Delete(path, headers, body, content_type);
  ApiReply reply;
  if (!r) return reply;
  reply.status = r->status;
  reply.body = r->body;
  for (const auto& [k, v] : r->headers) reply.headers.emplace(k, v);
  return reply;
}

namespace {

// The session a successful log-in reply starts: its cookie and CSRF token.
ApiSession SessionOf(const ApiReply& r) {
  const std::string set_cookie = r.headers.count("Set-Cookie") ? r.headers.at("Set-Cookie") : "";
  return ApiSession{set_cookie.substr(0, set_cookie.find(';')), r.Json().value("csrf_token", "")};
}

}  // namespace

std::optional<ApiSession> ApiClient::LogIn(const Device& device, const std::string& origin,
                                           ApiReply* failure) const {
  const ApiReply c = Send("POST", "/api/v1/login/challenge", std::nullopt,
                          nlohmann::json{{"user", device.user}}.dump());
  if (c.status != 200) {
    if (failure) *failure = c;
    return std::nullopt;
  }
  const std::string challenge = c.Json()["challenge"];
  const auto sig =
      SignDetached(LoginMessageAsDocumented(challenge, device.user, origin), device.key);
  const ApiReply r = Send(
      "POST", "/api/v1/login", std::nullopt,
      nlohmann::json{{"user", device.user}, {"challenge", challenge}, {"signature", ToHex(sig)}}
          .dump());
  if (r.status != 200) {
    if (failure) *failure = r;
    return std::nullopt;
  }
  return SessionOf(r);
}

std::optional<ApiSession> ApiClient::LogInWithCode(const std::string& code,
                                                   ApiReply* failure) const {
  const ApiReply r =
      Send("POST", "/api/v1/login/code", std::nullopt, nlohmann::json{{"code", code}}.dump());
  if (r.status != 200) {
    if (failure) *failure = r;
    return std::nullopt;
  }
  return SessionOf(r);
}

std::string HtmlEscaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace figurant::testing
