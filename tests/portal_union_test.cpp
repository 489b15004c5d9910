// The union auditor's pages (docs/portal.md) end to end: the real `figurant serve` with the
// portal, a bank with a union, a member who joined it on their own device and a licence they
// signed there, sessions started with sign-in codes as the portal's users start them. What a page
// shows is checked against what the API answers for the same session, never against numbers
// written here.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api_harness.h"
#include "cli_device.h"
#include "cli_harness.h"
#include "core/crypto.h"
#include "core/file.h"

namespace figurant::testing {
namespace {

using nlohmann::json;

constexpr const char* kNow = "2026-06-01T12:00:00Z";
constexpr const char* kUpload = "/api/v1/ledger/verification/upload";
// A name a page must escape.
constexpr const char* kMemberName = "Zoé <b>Durand</b> & Fils";

class PortalUnionTest : public ::testing::Test {
 protected:
  // The shared bank is made once, by the first test that runs: its failures are that test's, and
  // every later test fails too.
  void SetUp() override {
    static const bool kReady = [] {
      Prepare();
      return !HasFailure();
    }();
    ASSERT_TRUE(kReady) << "the shared bank could not be made: see the first test's failures";
  }

  static void Prepare() {
    ASSERT_TRUE(InitCrypto().ok());
    dir_ = std::make_unique<TempDir>("portal-union");
    bank_ = (dir_->path() / "bank").string();
    ASSERT_EQ(Run({"init"}).exit_code, 0);
    const std::string studio_key = (dir_->path() / "studio.key").string();
    ASSERT_EQ(RunFigurant({"key", "new", "--out", studio_key}, WithPartyPassphrase()).exit_code, 0);
    studio_ = Json(
        {"studio", "add", "--name", "Studio S", "--public-key-file", studio_key + ".pub"})["id"];
    const std::string production = Json(
        {"production", "add", "--studio", studio_, "--title", "Film", "--media", "streaming",
         "--territories", "FR", "--content", "violence", "--fps", "24", "--studio-key", studio_key},
        WithPartyPassphrase())["id"];
    member_ = Json({"performer", "add", "--name", kMemberName})["id"];
    const std::string terms = (dir_->path() / "terms.json").string();
    ASSERT_TRUE(WriteFileAtomic(terms, R"({"productions": [")" + production + R"("],
      "uses": ["background"], "media": ["streaming"], "territories": ["worldwide"],
      "valid_from": "2026-01-01", "valid_until": "2027-12-31", "max_screen_height_fraction": 0.2,
      "compensation": {"currency": "EUR", "scan_fee": 180.0, "per_production_fee": 180.0},
      "revocable": true, "revocation_notice_days": 30})")
                    .ok());
    const std::string licence = Json(
        {"licence", "draft", "--performer", member_, "--studio", studio_, "--terms", terms})["id"];
    device_ = std::make_unique<CliDevice>(
        dir_->path() / "device", [](const std::vector<std::string>& args) { return Run(args); },
        std::map<std::string, std::string>{{"FIGURANT_NOW", kNow}});
    ASSERT_EQ(device_->Sign(member_, licence, "union").exit_code, 0);
    const std::string union_key = (dir_->path() / "union.key").string();
    ASSERT_EQ(RunFigurant({"key", "new", "--out", union_key}, WithPartyPassphrase()).exit_code, 0);
    union_ = Json({"representative", "add", "--kind", "union", "--name", "Union U",
                   "--public-key-file", union_key + ".pub"})["id"];
    JoinUnion();
    users_["union"] = AddUser({"--role", "union", "--union", union_});
    users_["studio"] = AddUser({"--role", "studio", "--studio", studio_});
    // A performer logs in with the key they enrolled (the one on the member's device).
    users_["performer"] =
        Json({"user", "add", "--role", "performer", "--performer", member_, "--public-key-file",
              device_->KeyFile(member_, "performer").string() + ".pub"})["id"];
  }
  static void TearDownTestSuite() {
    device_.reset();
    dir_.reset();
  }

  // The member joins the union: `performer join-union`, signed on their device with `key
  // sign-statement`, handed to the bank with `record`.
  static void JoinUnion() {
    const std::string request = (dir_->path() / "join.request.json").string();
    const std::string signature = (dir_->path() / "join.signature.json").string();
    Json({"performer", "join-union", member_, "--union", union_, "--out", request});
    const RunResult signed_statement =
        RunFigurantWithInput({"key", "sign-statement", request, "--key",
                              device_->KeyFile(member_, "performer").string(), "--out", signature},
                             "sign\n", WithPartyPassphrase({{"FIGURANT_NOW", kNow}}));
    ASSERT_EQ(signed_statement.exit_code, 0) << signed_statement.err;
    Json({"record", signature});
  }

  static RunResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--bank", bank_});
    return RunFigurant(args, {{"FIGURANT_NOW", kNow}});
  }
  static json Json(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), {"--json", "--bank", bank_});
    env["FIGURANT_NOW"] = kNow;
    const RunResult r = RunFigurant(args, env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }
  // A user for a key nobody here uses: the portal's users sign in with codes.
  static std::string AddUser(std::vector<std::string> args) {
    args.insert(args.begin(), {"user", "add", "--public-key", ToHex(NewDevice().key.public_key)});
    return Json(args)["id"];
  }

  // A session of `role` started as the portal starts one: a sign-in code, typed on /login.
  static ApiSession SignIn(const ApiClient& client, const std::string& role) {
    const std::string code = Json({"user", "sign-in-code", users_.at(role)})["code"];
    ApiReply refused;
    const auto session = client.LogInWithCode(code, &refused);
    EXPECT_TRUE(session.has_value()) << refused.status << " " << refused.body;
    return session.value_or(ApiSession{});
  }

  static ApiReply Upload(const ApiClient& client, const ApiSession& session,
                         const std::string& bytes) {
    return client.Send("POST", kUpload, session, bytes, std::nullopt, "application/octet-stream");
  }

  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<CliDevice> device_;
  static inline std::string bank_, studio_, member_, union_;
  static inline std::map<std::string, std::string> users_;
};

TEST_F(PortalUnionTest, TheBanksOwnExportVerifiesWithTheCountsOfTheApi) {
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const ApiSession auditor = SignIn(client, "union");
  const ApiReply exported = client.Send("GET", "/api/v1/ledger/export", auditor);
  ASSERT_EQ(exported.status, 200);
  const json bank = client.Send("GET", "/api/v1/ledger/verification", auditor).Json();
  ASSERT_TRUE(bank.value("valid", false)) << bank.dump();

  const ApiReply r = Upload(client, auditor, exported.body);
  ASSERT_EQ(r.status, 200) << r.body;
  const json v = r.Json();
  EXPECT_TRUE(v["valid"].get<bool>());
  EXPECT_EQ(v["entries"], bank["entries"]);
  EXPECT_EQ(v["heads"], bank["heads"]);
  EXPECT_EQ(v["head"], bank["head"]);
  EXPECT_EQ(v["public_key"], bank["public_key"]) << "checked against the bank's own key";
  EXPECT_EQ(v["bytes"], exported.body.size());
  // The consents are those `figurant ledger verify` re-verifies on the same bytes.
  const std::string file = (dir_->path() / "export.log").string();
  ASSERT_TRUE(WriteFileAtomic(file, exported.body).ok());
  const json cli = Json({"ledger", "verify", file});
  EXPECT_EQ(v["consents"], cli["consents"]);
  EXPECT_EQ(v["entries"], cli["entries"]);
  EXPECT_GE(v["consents"]["verified"].get<int>(), 1) << "the member's licence, signed on device";
  EXPECT_GE(v["consents"]["statements"].get<int>(), 1) << "the member's join_union statement";

  // The page shows the bank's verification and the key, in groups of 8 hex digits.
  const ApiReply page = client.Send("GET", "/audit", auditor);
  ASSERT_EQ(page.status, 200) << page.body;
  const std::string key = bank["public_key"];
  EXPECT_NE(page.body.find(key.substr(0, 8) + " " + key.substr(8, 8)), std::string::npos);
  EXPECT_NE(page.body.find("<dd>" + bank["entries"].dump() + "</dd>"), std::string::npos);
  EXPECT_NE(page.body.find("data-ledger-upload=\"" + std::string(kUpload) + "\""),
            std::string::npos);
  EXPECT_NE(page.body.find("src=\"/assets/union.mjs\""), std::string::npos);
  EXPECT_NE(client.Send("GET", "/audit?lang=fr", auditor).body.find("Contrôler le registre"),
            std::string::npos);
}

TEST_F(PortalUnionTest, AFlippedByteIsRefusedNamingTheEntry) {
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const ApiSession auditor = SignIn(client, "union");
  const std::string exported = client.Send("GET", "/api/v1/ledger/export", auditor).body;
  ASSERT_FALSE(exported.empty());
  // A byte in the middle of the log: whichever entry holds it must be named.
  std::string tampered = exported;
  tampered[tampered.size() / 2] ^= 0x01;
  const ApiReply r = Upload(client, auditor, tampered);
  EXPECT_EQ(r.status, 400) << r.body;
  const std::string message = r.Json()["error"]["message"];
  EXPECT_NE(message.find("request body"), std::string::npos) << message;
  EXPECT_NE(message.find("entry "), std::string::npos) << message;
  // The same bytes through the CLI fail on the same entry.
  const std::string file = (dir_->path() / "tampered.log").string();
  ASSERT_TRUE(WriteFileAtomic(file, tampered).ok());
  const RunResult cli = Run({"ledger", "verify", file});
  EXPECT_NE(cli.exit_code, 0);
  const size_t at = message.find("entry ");
  const std::string entry = message.substr(at, message.find_first_of(":, ", at + 6) - at);
  EXPECT_NE(cli.err.find(entry), std::string::npos) << cli.err << " vs " << message;

  EXPECT_EQ(Upload(client, auditor, "").status, 400) << "an empty body";
  const ApiReply json_body = client.Send("POST", kUpload, auditor, "{}");
  EXPECT_EQ(json_body.status, 415) << json_body.body;
  EXPECT_NE(json_body.body.find("application/octet-stream"), std::string::npos);
  const ApiReply no_csrf =
      client.Send("POST", kUpload, auditor, exported, std::string(), "application/octet-stream");
  EXPECT_EQ(no_csrf.status, 403) << no_csrf.body;
}

// Sends a request whose headers claim `claimed_length` body bytes but sends only a few, and
// answers the status line the server replies with (or "" if it waits for the rest: the body
// would be read whole).
std::string StatusOfLongUpload(int port, const ApiSession& session, uint64_t claimed_length) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return "";
  }
  const std::string request = std::string("POST ") + kUpload + " HTTP/1.1\r\nHost: localhost\r\n" +
                              "Cookie: " + session.cookie + "\r\nX-CSRF-Token: " + session.csrf +
                              "\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
                              std::to_string(claimed_length) + "\r\n\r\nfirst bytes";
  (void)::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  char buf[256] = {};
  const ssize_t n = ::recv(fd, buf, sizeof buf - 1, 0);
  ::close(fd);
  const std::string reply = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  return reply.substr(0, reply.find("\r\n"));
}

TEST_F(PortalUnionTest, ABodyOverTheLimitIsRefusedBeforeItIsRead) {
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const ApiSession auditor = SignIn(client, "union");
  const ApiSession performer = SignIn(client, "performer");
  constexpr uint64_t kOneGiB = uint64_t{1} << 30;
  EXPECT_EQ(StatusOfLongUpload(server.port(), auditor, kOneGiB), "HTTP/1.1 413 Payload Too Large");
  // Authorisation first: another role learns nothing, not even the limit.
  EXPECT_EQ(StatusOfLongUpload(server.port(), performer, kOneGiB), "HTTP/1.1 404 Not Found");
  // The limit the page states is the route's.
  const ApiReply page = client.Send("GET", "/audit", auditor);
  EXPECT_NE(page.body.find("data-limit=\"268435456\""), std::string::npos);
  EXPECT_NE(page.body.find(" 256 MiB"), std::string::npos);
}

TEST_F(PortalUnionTest, OtherRolesGetTheNotFoundPage) {
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const ApiSession auditor = SignIn(client, "union");
  const std::string exported = client.Send("GET", "/api/v1/ledger/export", auditor).body;
  for (const std::string role : {"performer", "studio"}) {
    const ApiSession session = SignIn(client, role);
    for (const std::string page : {"/audit", "/audit/members", "/audit/strikes"}) {
      const ApiReply r = client.Send("GET", page, session);
      EXPECT_EQ(r.status, 404) << role << " " << page;
      EXPECT_NE(r.body.find("<!doctype html>"), std::string::npos) << "the 404 page";
    }
    const ApiReply upload = Upload(client, session, exported);
    EXPECT_EQ(upload.status, 404) << role << ": " << upload.body;
    EXPECT_EQ(upload.Json()["error"]["message"], "no such resource");
  }
  const ApiReply none = client.Send("GET", "/audit");
  EXPECT_EQ(none.status, 303);
  EXPECT_EQ(none.headers.count("Location") ? none.headers.at("Location") : "",
            "/login?next=/audit");
  EXPECT_EQ(
      client.Send("POST", kUpload, std::nullopt, exported, std::nullopt, "application/octet-stream")
          .status,
      401);
}

// "180.00 EUR" (or "180,00 EUR" in French): an amount as the members page shows it.
std::string Amount(double value, const std::string& currency, bool french) {
  std::string text = std::to_string(value);
  text = text.substr(0, text.find('.') + 3);  // two decimals; the test's amounts are exact
  if (french) text[text.find('.')] = ',';
  return text + " " + currency;
}

TEST_F(PortalUnionTest, TheMembersPageShowsTheApisMembers) {
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const ApiSession auditor = SignIn(client, "union");
  const ApiReply api = client.Send("GET", "/api/v1/unions/" + union_ + "/members", auditor);
  ASSERT_EQ(api.status, 200) << api.body;
  const json members = api.Json()["members"];
  ASSERT_FALSE(members.empty()) << "the member joined in Prepare";
  EXPECT_FALSE(members[0]["totals"]["owed"].empty()) << "the scan fee of the licence they signed";
  for (const bool french : {false, true}) {
    const ApiReply page =
        client.Send("GET", std::string("/audit/members?lang=") + (french ? "fr" : "en"), auditor);
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_NE(page.body.find(french ? "Vos adhérents" : "Your members"), std::string::npos);
    EXPECT_NE(page.body.find("class=\"table-scroll\" role=\"region\""), std::string::npos)
        << "the table scrolls on its own at 360 px, reachable with the keyboard";
    for (const json& m : members) {
      const std::string name = m["name"];
      EXPECT_NE(page.body.find(HtmlEscaped(name)), std::string::npos) << name;
      EXPECT_NE(page.body.find(m["performer"].get<std::string>()), std::string::npos);
      EXPECT_NE(page.body.find(m["memberships"][0]["from"].get<std::string>()), std::string::npos);
      for (const auto& [currency, amount] : m["totals"]["owed"].items()) {
        EXPECT_NE(page.body.find(Amount(amount.get<double>(), currency, french)), std::string::npos)
            << Amount(amount.get<double>(), currency, french);
      }
    }
    EXPECT_EQ(page.body.find("<b>Durand</b>"), std::string::npos) << "names are escaped";
  }
}

// The strike statement the page offers as a download, signed with the union's key on its device
// (`figurant key sign-statement`), uploaded as the page's form posts it: the page then lists it.
TEST_F(PortalUnionTest, AStrikeSignedOnTheUnionsDeviceIsListed) {
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const ApiSession auditor = SignIn(client, "union");
  const std::string base = "/api/v1/unions/" + union_;
  const ApiReply before = client.Send("GET", "/audit/strikes", auditor);
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_NE(before.body.find("data-strike-request=\"" + base + "/strike-request\""),
            std::string::npos);
  EXPECT_NE(before.body.find("data-signed-statement=\"" + base + "/statements\""),
            std::string::npos);
  EXPECT_NE(before.body.find("figurant key sign-statement"), std::string::npos);

  const ApiReply request = client.Send("POST", base + "/strike-request", auditor,
                                       json{{"studio", studio_}, {"declare", true}}.dump());
  ASSERT_EQ(request.status, 200) << request.body;
  const std::string request_file = (dir_->path() / "strike.request.json").string();
  const std::string signed_file = (dir_->path() / "strike.signed.json").string();
  ASSERT_TRUE(WriteFileAtomic(request_file, request.body).ok());
  const RunResult signed_statement =
      RunFigurantWithInput({"key", "sign-statement", request_file, "--key",
                            (dir_->path() / "union.key").string(), "--out", signed_file},
                           "sign\n", WithPartyPassphrase({{"FIGURANT_NOW", kNow}}));
  ASSERT_EQ(signed_statement.exit_code, 0) << signed_statement.err;
  const ApiReply recorded =
      client.Send("POST", base + "/statements", auditor, *ReadFile(signed_file));
  ASSERT_EQ(recorded.status, 201) << recorded.body;

  const json strikes = client.Send("GET", base + "/strikes", auditor).Json()["strikes"];
  ASSERT_EQ(strikes.size(), 1u) << strikes.dump();
  for (const bool french : {false, true}) {
    const ApiReply page =
        client.Send("GET", std::string("/audit/strikes?lang=") + (french ? "fr" : "en"), auditor);
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_NE(page.body.find("<td>" + strikes[0]["studio"].get<std::string>() + "</td><td>" +
                             strikes[0]["from"].get<std::string>() + "</td>"),
              std::string::npos)
        << page.body;
    EXPECT_NE(page.body.find(french ? "En cours" : "On now"), std::string::npos)
        << "the strike is on";
  }
}

}  // namespace
}  // namespace figurant::testing
