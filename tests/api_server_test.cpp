// The HTTP API end to end: the real `figurant serve` on a loopback port, driven by an HTTP client
// that logs in as each role's device would. The authorisation matrix is generated from the route
// table (src/api/routes.cpp), so a new route is covered the day it is added, or this test fails
// for a route whose parameters it cannot classify.
#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <assimp/Importer.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "api/routes.h"
#include "api_harness.h"
#include "bank/bank.h"
#include "bank/enrolment.h"
#include "cli_harness.h"
#include "consent/offer.h"
#include "consent/statement.h"
#include "core/clock.h"
#include "core/file.h"
#include "ledger/appearances.h"
#include "registry/appearance_crops.h"
#include "webauthn/test_authenticator.h"

namespace figurant::testing {
namespace {

using nlohmann::json;

constexpr const char* kNow = "2026-06-01T12:00:00Z";
// What the fixture's appearance crops hold, followed by their performer's id.
const std::string kCropBytes = "\x89PNG appearance crop of ";
const std::string kNotFoundBody =
    R"({"error":{"code":"NOT_FOUND","field":null,"message":"no such resource"}})";

// A bank with two of everything: performers A and B, studios S1 and S2 each with a production
// and a draft licence (A with S1, B with S2), and a user for A, for S1, for a union and for an
// operator, each with a device (its private key) held by the test.
class ApiServerTest : public ::testing::Test {
 protected:
  // The shared bank is made by the first test that runs, so that a failure to make it fails that
  // test and every later one (a failure in SetUpTestSuite would only skip them).
  void SetUp() override {
    if (!prepared_) {
      prepared_ = true;
      Prepare();
      ready_ = !HasFailure();
    }
    ASSERT_TRUE(ready_) << "the shared bank could not be made: see the first test's failures";
  }
  static void Prepare() {
    ASSERT_TRUE(InitCrypto().ok());
    dir_ = std::make_unique<TempDir>("api-server");
    bank_ = (dir_->path() / "bank").string();
    ASSERT_EQ(Run({"init"}).exit_code, 0);
    own_ = MakeParty("A", "S1");
    other_ = MakeParty("B", "S2");
    own_["entry"] = "0";
    other_["entry"] = "99999999";
    devices_["operator"] = AddUser({"--role", "operator"});
    devices_["performer"] = AddPerformerUser(own_["performer"]);
    devices_["studio"] = AddUser({"--role", "studio", "--studio", own_["studio"]});
    const std::string union_key = (dir_->path() / "union.key").string();
    Json({"key", "new", "--out", union_key}, WithPartyPassphrase());
    const std::string union_id = Json({"representative", "add", "--kind", "union", "--name",
                                       "Union U", "--public-key-file", union_key + ".pub"})["id"];
    devices_["union"] = AddUser({"--role", "union", "--union", union_id});
    other_performer_ = AddPerformerUser(other_["performer"]);
    own_["union"] = union_id;
    own_["user"] = devices_["studio"].user;
    other_["user"] = "usr_0000000000000000";
    const std::string union_v_key = (dir_->path() / "union_v.key").string();
    Json({"key", "new", "--out", union_v_key}, WithPartyPassphrase());
    other_["union"] = Json({"representative", "add", "--kind", "union", "--name", "Union V",
                            "--public-key-file", union_v_key + ".pub"})["id"];
    // A double each, from the cheapest mesh there is: a 1.75 m box person, 8 vertices.
    const std::string scan = (dir_->path() / "box-person.obj").string();
    std::ofstream(scan) << "v -0.25 0 -0.15\nv -0.25 0 0.15\nv 0.25 0 -0.15\nv 0.25 0 0.15\n"
                           "v -0.25 1.75 -0.15\nv -0.25 1.75 0.15\nv 0.25 1.75 -0.15\n"
                           "v 0.25 1.75 0.15\nf 1 3 4 2\nf 5 6 8 7\nf 1 2 6 5\nf 3 7 8 4\n"
                           "f 1 5 7 3\nf 2 4 8 6\n";
    own_["double"] = Json({"scan", "import", scan, "--performer", own_["performer"]})["id"];
    other_["double"] = Json({"scan", "import", scan, "--performer", other_["performer"]})["id"];
    // An appearance crop each, as a metered render keeps them (the bytes are the test's own).
    FixedClock clock(*ParseTimestamp(kNow));
    auto bank = bank::Bank::Open(bank_, clock);
    ASSERT_TRUE(bank.ok()) << bank.status().ToString();
    for (auto* party : {&own_, &other_}) {
      auto& ids = *party;
      const bank::CropCandidate crop{ids["performer"],
                                     ids["production"],
                                     "sh_crop",
                                     1001,
                                     "rnd_0000000000000000",
                                     ids["double"],
                                     50,
                                     8,
                                     16,
                                     kCropBytes + ids["performer"]};
      ASSERT_TRUE(*(*bank)->KeepAppearanceCrop(crop));
      auto rows = registry::ListAppearanceCrops((*bank)->registry(), ids["performer"]);
      ASSERT_TRUE(rows.ok() && rows->size() == 1) << rows.status().ToString();
      ids["crop"] = rows->front().id;
    }
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static RunResult Run(std::vector<std::string> args, const std::string& now = kNow,
                       std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), {"--bank", bank_});
    env["FIGURANT_NOW"] = now;
    return RunFigurant(args, env);
  }
  // `env`: WithPartyPassphrase() for commands that make or open a party's key file.
  static json Json(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), "--json");
    const RunResult r = Run(args, kNow, std::move(env));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }
  static std::string Terms(const std::string& production, const std::string& name) {
    const auto path = dir_->path() / name;
    std::ofstream(path) << R"({"productions": [")" << production
                        << R"("], "uses": ["background"], "media": ["streaming"],
      "territories": ["worldwide"], "valid_from": "2026-01-01", "valid_until": "2027-12-31",
      "max_screen_height_fraction": 0.2, "compensation": {"currency": "EUR", "scan_fee": 180.0,
      "per_production_fee": 180.0}, "revocable": true, "revocation_notice_days": 30})";
    return path.string();
  }
  // A performer, a studio with a production, and a draft licence between them: their ids by
  // the path parameter that names each kind.
  static std::map<std::string, std::string> MakeParty(const std::string& performer,
                                                      const std::string& studio) {
    std::map<std::string, std::string> ids;
    ids["performer"] = Json({"performer", "add", "--name", "Performer " + performer})["id"];
    const std::string key = (dir_->path() / (studio + ".key")).string();
    Json({"key", "new", "--out", key}, WithPartyPassphrase());
    ids["studio"] = Json(
        {"studio", "add", "--name", "Studio " + studio, "--public-key-file", key + ".pub"})["id"];
    ids["production"] = Json({"production", "add", "--studio", ids["studio"], "--title",
                              "Film " + studio, "--media", "streaming", "--territories", "FR",
                              "--content", "violence", "--fps", "24", "--studio-key", key},
                             WithPartyPassphrase())["id"];
    ids["licence"] =
        Json({"licence", "draft", "--performer", ids["performer"], "--studio", ids["studio"],
              "--terms", Terms(ids["production"], studio + ".json")})["id"];
    ids["studio_key"] = key;
    return ids;
  }
  static Device AddUser(std::vector<std::string> args) {
    Device d = NewDevice();
    args.insert(args.begin(), {"user", "add", "--public-key", ToHex(d.key.public_key)});
    d.user = Json(args)["id"];
    return d;
  }

  // A performer's device: its key enrolled with a one-time code (a performer logs in with the key
  // they enrolled), then a user for it.
  static Device AddPerformerUser(const std::string& performer) {
    Device d = NewDevice();
    const std::string code = Json({"performer", "invite", performer})["code"];
    Json({"performer", "enrol", "--code", code, "--public-key", ToHex(d.key.public_key)});
    d.user = Json({"user", "add", "--role", "performer", "--performer", performer, "--public-key",
                   ToHex(d.key.public_key)})["id"];
    return d;
  }
  // Signs `licence` with the performer's device key (`key`; default performer A's), as `figurant
  // key sign` does: the bank's offer, the consent record signed on the device, the signature file
  // handed to the bank.
  static void SignOnDevice(const std::string& licence, const std::string& represented_by = "none",
                           const SigningKeyPair* key = nullptr) {
    const std::string offer_file = (dir_->path() / (licence + ".offer.json")).string();
    const std::string sig_file = (dir_->path() / (licence + ".sig.json")).string();
    Json({"licence", "offer", licence, "--out", offer_file});
    const auto offer = consent::ParseOffer(*ReadFile(offer_file), offer_file);
    ASSERT_TRUE(offer.ok()) << offer.status().ToString();
    consent::ConsentRecord record = consent::RecordFor(
        *offer, *consent::ParseRepresentation(represented_by), *ParseTimestamp(kNow));
    ASSERT_TRUE(
        consent::SignConsent(record, offer->terms_text, key ? *key : devices_["performer"].key)
            .ok());
    std::ofstream(sig_file) << consent::ConsentSignatureJson(record);
    Json({"licence", "sign", licence, "--signature", sig_file});
  }

  static inline bool prepared_ = false, ready_ = false;
  static std::unique_ptr<TempDir> dir_;
  static std::string bank_;
  static std::map<std::string, std::string> own_, other_;
  static std::map<std::string, Device> devices_;
  static Device other_performer_;
};

std::unique_ptr<TempDir> ApiServerTest::dir_;
std::string ApiServerTest::bank_;
std::map<std::string, std::string> ApiServerTest::own_, ApiServerTest::other_;
std::map<std::string, Device> ApiServerTest::devices_;
Device ApiServerTest::other_performer_;

// `path` with each {name} replaced by values[name].
std::string Fill(std::string path, const std::map<std::string, std::string>& values) {
  for (const auto& [name, value] : values) {
    const std::string mark = "{" + name + "}";
    for (size_t at; (at = path.find(mark)) != std::string::npos;)
      path.replace(at, mark.size(), value);
  }
  return path;
}

// The request reached its handler: not refused by authentication, authorisation or CSRF, and no
// server failure. (A 400 for the empty body the matrix sends, or a 409 for revoking a draft, is
// an authorised request.)
bool Authorised(int status) {
  return status != 0 && status != 401 && status != 403 && status != 404 && status != 429 &&
         status < 500;
}

struct MatrixCase {
  const api::Route* route;
  std::string role;  // "none": no session
  std::string path;
  bool own = true;  // false: one parameter names another's object
  std::string describe() const {
    return std::string(api::MethodName(route->method)) + " " + path + " as " + role +
           (own ? " (own)" : " (another's)");
  }
};

// Every route × every role (and no session) × its own objects and, one parameter at a time,
// another's. Fails for a route with a parameter kind it has no objects for.
std::vector<MatrixCase> MatrixCases(const std::map<std::string, std::string>& own,
                                    const std::map<std::string, std::string>& other) {
  std::vector<MatrixCase> cases;
  for (const api::Route& route : api::Routes()) {
    const auto params = api::PathParams(route.path);
    for (const std::string& p : params) {
      if (!own.count(p) || !other.count(p)) {
        ADD_FAILURE() << route.path << ": no test objects for parameter {" << p << "}";
      }
    }
    for (const std::string role : {"none", "performer", "studio", "union", "operator"}) {
      cases.push_back({&route, role, Fill(std::string(route.path), own), true});
      for (const std::string& p : params) {
        auto values = own;
        values[p] = other.count(p) ? other.at(p) : "";
        cases.push_back({&route, role, Fill(std::string(route.path), values), false});
      }
    }
  }
  return cases;
}

bool RoleAllowed(const api::Route& route, const std::string& role) {
  for (const auto r : route.roles) {
    if (registry::UserRoleName(r) == role) return true;
  }
  return false;
}

TEST_F(ApiServerTest, AuthorisationMatrixFromTheRouteTable) {
  ServeProcess server(bank_, kNow, {"--login-burst", "10000", "--login-per-minute", "10000"});
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  std::map<std::string, ApiSession> sessions;
  for (const auto& [role, device] : devices_) {
    auto s = client.LogIn(device, server.origin());
    ASSERT_TRUE(s) << role;
    sessions[role] = *s;
  }
  int checked = 0;
  for (const MatrixCase& c : MatrixCases(own_, other_)) {
    const bool is_public = c.route->roles.empty();
    std::optional<ApiSession> session;
    if (c.role != "none") session = sessions[c.role];
    const std::string method(api::MethodName(c.route->method));
    const ApiReply r = client.Send(method, c.path, session, method == "GET" ? "" : "{}");
    if (is_public) {
      EXPECT_TRUE(Authorised(r.status)) << c.describe() << ": " << r.status << " " << r.body;
    } else if (c.role == "none") {
      EXPECT_EQ(r.status, 401) << c.describe() << ": " << r.body;
    } else if (!RoleAllowed(*c.route, c.role) || !c.own) {
      EXPECT_EQ(r.status, 404) << c.describe() << ": " << r.body;
      EXPECT_EQ(r.body, kNotFoundBody) << c.describe() << ": a 404 must reveal nothing";
    } else {
      EXPECT_TRUE(Authorised(r.status)) << c.describe() << ": " << r.status << " " << r.body;
    }
    ++checked;
    // A case may have ended its session (DELETE /session): log in again.
    if (session && client.Send("GET", "/api/v1/session", session).status == 401) {
      auto s = client.LogIn(devices_[c.role], server.origin());
      ASSERT_TRUE(s) << c.role;
      sessions[c.role] = *s;
    }
  }
  EXPECT_GT(checked, static_cast<int>(api::Routes().size()) * 5);
}

TEST_F(ApiServerTest, NonexistentObjectsAnswerExactlyAsAnothersDo) {
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto performer = client.LogIn(devices_["performer"], server.origin());
  const auto studio = client.LogIn(devices_["studio"], server.origin());
  ASSERT_TRUE(performer && studio);
  const std::string p = own_["performer"];
  for (const auto& [path, session] : std::vector<std::pair<std::string, ApiSession>>{
           {"/api/v1/performers/per_0000000000000000", *performer},
           {"/api/v1/performers/" + other_["performer"], *performer},
           {"/api/v1/performers/" + p + "/licences/lic_0000000000000000", *performer},
           {"/api/v1/performers/" + p + "/licences/" + other_["licence"], *performer},
           {"/api/v1/productions/prd_0000000000000000/usage", *studio},
           {"/api/v1/productions/" + other_["production"] + "/usage", *studio},
           {"/api/v1/no/such/route", *studio}}) {
    const ApiReply r = client.Send("GET", path, session);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body, kNotFoundBody) << path;
  }
}

TEST_F(ApiServerTest, LogInNeedsTheRightKeyAFreshChallengeAndTheServersOrigin) {
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  Device impostor = devices_["performer"];
  impostor.key = GenerateSigningKeyPair();
  ApiReply failure;
  EXPECT_FALSE(client.LogIn(impostor, server.origin(), &failure));
  EXPECT_EQ(failure.status, 401);
  EXPECT_FALSE(client.LogIn(devices_["performer"], "https://phish.example", &failure))
      << "a signature for another origin must not log in";
  EXPECT_EQ(failure.status, 401);
  Device nobody = devices_["performer"];
  nobody.user = "usr_0000000000000000";
  EXPECT_FALSE(client.LogIn(nobody, server.origin(), &failure));
  EXPECT_EQ(
      failure.body,
      json({{"error",
             {{"code", "UNAUTHENTICATED"}, {"field", nullptr}, {"message", "log-in failed"}}}})
          .dump())
      << "an unknown user fails exactly as a bad signature does";

  // A challenge answers once.
  const Device& d = devices_["performer"];
  const std::string challenge =
      client.Send("POST", "/api/v1/login/challenge", std::nullopt, json{{"user", d.user}}.dump())
          .Json()["challenge"];
  const std::string body =
      json{{"user", d.user},
           {"challenge", challenge},
           {"signature", ToHex(SignDetached(
                             LoginMessageAsDocumented(challenge, d.user, server.origin()), d.key))}}
          .dump();
  const ApiReply first = client.Send("POST", "/api/v1/login", std::nullopt, body);
  EXPECT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(client.Send("POST", "/api/v1/login", std::nullopt, body).status, 401);
  const std::string cookie =
      first.headers.count("Set-Cookie") ? first.headers.at("Set-Cookie") : "";
  for (const char* attribute :
       {"__Host-figurant_session=", "HttpOnly", "Secure", "SameSite=Strict", "Path=/"}) {
    EXPECT_NE(cookie.find(attribute), std::string::npos) << attribute << " in " << cookie;
  }
}

TEST_F(ApiServerTest, StateChangesNeedTheSessionsOwnCsrfToken) {
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto mine = client.LogIn(devices_["performer"], server.origin());
  const auto theirs = client.LogIn(other_performer_, server.origin());
  ASSERT_TRUE(mine && theirs);
  const std::string path = "/api/v1/performers/" + own_["performer"] + "/erasure-request";
  const auto op = client.LogIn(devices_["operator"], server.origin());
  const auto requests = [&] {
    return client.Send("GET", "/api/v1/erasure-requests", op).Json()["erasure_requests"].size();
  };
  const size_t before = requests();
  for (const std::string& token : {std::string(), std::string(64, '0'), theirs->csrf}) {
    const ApiReply r = client.Send("POST", path, mine, "{}", token);
    EXPECT_EQ(r.status, 403) << "token '" << token << "': " << r.body;
    EXPECT_EQ(r.Json()["error"]["code"], "PERMISSION_DENIED");
  }
  EXPECT_EQ(requests(), before) << "a refused request changed nothing";
  EXPECT_EQ(client.Send("POST", path, mine, "{}").status, 202);
  EXPECT_EQ(requests(), before + 1);
  EXPECT_EQ(client.Send("DELETE", "/api/v1/session", mine, "", "").status, 403)
      << "logging out is a state change too";
}

TEST_F(ApiServerTest, SessionsEndAfterTwelveIdleHoursAcrossRestarts) {
  std::optional<ApiSession> session;
  {
    ServeProcess server(bank_, "2026-06-01T12:00:00Z");
    ASSERT_TRUE(server.ok()) << server.error();
    session = ApiClient(server.port()).LogIn(devices_["union"], server.origin());
    ASSERT_TRUE(session);
  }
  {
    ServeProcess server(bank_, "2026-06-01T23:00:00Z");  // 11 h later: still valid, now seen
    ASSERT_TRUE(server.ok()) << server.error();
    EXPECT_EQ(ApiClient(server.port()).Send("GET", "/api/v1/session", session).status, 200);
  }
  {
    ServeProcess server(bank_, "2026-06-02T11:00:01Z");  // 12 h 1 s after it was last seen
    ASSERT_TRUE(server.ok()) << server.error();
    const ApiReply r = ApiClient(server.port()).Send("GET", "/api/v1/session", session);
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_NE(r.body.find("expired"), std::string::npos) << r.body;
  }
}

TEST_F(ApiServerTest, LogInAttemptsAreRateLimitedPerAddress) {
  // A user may try 3 times at once, an address 5 × 3 = 15 times, regaining 5 a minute.
  ServeProcess server(bank_, kNow, {"--login-burst", "3", "--login-per-minute", "1"});
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  for (int i = 0; i < 15; ++i) {
    const ApiReply r = client.Send("POST", "/api/v1/login/challenge", std::nullopt,
                                   json{{"user", "usr_" + std::to_string(i)}}.dump());
    EXPECT_EQ(r.status, 200) << i;
  }
  const ApiReply r = client.Send("POST", "/api/v1/login", std::nullopt, "{}");
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(r.headers.count("Retry-After") ? r.headers.at("Retry-After") : "", "12");
  EXPECT_EQ(r.Json()["error"]["code"], "RESOURCE_EXHAUSTED");
  EXPECT_EQ(client.Send("GET", "/api/v1/session").status, 401) << "other routes are not limited";
}

TEST_F(ApiServerTest, LogInAttemptsAreRateLimitedPerUser) {
  ServeProcess server(bank_, kNow, {"--login-burst", "2", "--login-per-minute", "1"});
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto challenge = [&](const std::string& user) {
    return client.Send("POST", "/api/v1/login/challenge", std::nullopt,
                       json{{"user", user}}.dump());
  };
  EXPECT_EQ(challenge(devices_["studio"].user).status, 200);
  EXPECT_EQ(challenge(devices_["studio"].user).status, 200);
  const ApiReply refused = challenge(devices_["studio"].user);
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.headers.count("Retry-After") ? refused.headers.at("Retry-After") : "", "60");
  EXPECT_EQ(challenge(devices_["union"].user).status, 200) << "another user is not held back";
  ApiReply failure;
  EXPECT_FALSE(client.LogIn(devices_["studio"], server.origin(), &failure));
  EXPECT_EQ(failure.status, 429) << "the right key does not get past the limit either";
}

// Bodies that are malformed, oversized or of the wrong type: 400 (or 413/415) naming the field,
// and the server still answers afterwards.
TEST_F(ApiServerTest, BadBodiesAreRefusedNamingTheField) {
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto op = client.LogIn(devices_["operator"], server.origin());
  ASSERT_TRUE(op);
  struct Case {
    std::string body;
    int status;
    json field;
  };
  std::string deepest;  // where nesting passes kMaxJsonDepth: 64 levels of [0]
  for (int i = 0; i < 64; ++i) deepest += "[0]";
  const std::vector<Case> cases = {
      {R"({"name": 5})", 400, "name"},
      {R"({"name": "X", "colour": "blue"})", 400, "colour"},
      {R"({"name": "X", "synthetic": "yes"})", 400, "synthetic"},
      {R"({"name": "X", "language": "de"})", 400, "language"},
      {R"({"name": "X", "email": {"a": [1, }})", 400, "email.a[1]"},
      {R"({"name": "X", "name": "Y"})", 400, "name"},
      {R"({"name": 1e400})", 400, "name"},
      {"[1, 2]", 400, nullptr},
      {"{\"name\": \"\xff\"}", 400, "name"},
      {std::string(100, '[') + std::string(100, ']'), 400, deepest},
      {R"({"name": ")" + std::string(70000, 'x') + R"("})", 413, nullptr},
  };
  for (const Case& c : cases) {
    const ApiReply r = client.Send("POST", "/api/v1/performers", op, c.body);
    EXPECT_EQ(r.status, c.status) << c.body.substr(0, 80) << ": " << r.body.substr(0, 300);
    const json e = r.Json();
    ASSERT_TRUE(e.is_object()) << r.body.substr(0, 200);
    EXPECT_EQ(e["error"]["field"], c.field) << c.body.substr(0, 80) << ": " << r.body;
    if (c.status == 413) {
      EXPECT_NE(r.body.find("65536"), std::string::npos) << r.body;
    }
  }
  const ApiReply form =
      client.Send("POST", "/api/v1/performers", op, "name=X", std::nullopt, "text/plain");
  EXPECT_EQ(form.status, 415) << form.body;
  const std::string studio = "/api/v1/studios/" + own_["studio"] + "/offers";
  const auto s1 = client.LogIn(devices_["studio"], server.origin());
  const ApiReply bad_terms =
      client.Send("POST", studio, s1,
                  json{{"performer", own_["performer"]},
                       {"terms", {{"productions", {own_["production"]}}, {"uses", {"lead"}}}}}
                      .dump());
  EXPECT_EQ(bad_terms.status, 400) << bad_terms.body;
  EXPECT_EQ(bad_terms.Json()["error"]["field"].get<std::string>().rfind("terms.", 0), 0u)
      << bad_terms.body;
  const ApiReply others = client.Send(
      "POST", studio, s1,
      json{{"performer", own_["performer"]}, {"terms", {{"productions", {other_["production"]}}}}}
          .dump());
  EXPECT_EQ(others.status, 400) << others.body;
  EXPECT_EQ(others.Json()["error"]["field"], "terms.productions[0]") << others.body;
  EXPECT_EQ(client.Send("GET", "/api/v1/session", op).status, 200) << "the server still answers";
}

TEST_F(ApiServerTest, EveryReplyCarriesTheSecurityHeaders) {
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto op = client.LogIn(devices_["operator"], server.origin());
  const std::vector<ApiReply> replies = {
      client.Send("GET", "/api/v1/performers", op),                            // 200
      client.Send("GET", "/api/v1/performers"),                                // 401
      client.Send("GET", "/nowhere", op),                                      // 404
      client.Send("POST", "/api/v1/performers", op, "{", std::nullopt),        // 400
      client.Send("POST", "/api/v1/performers", op, std::string(70000, ' ')),  // 413
  };
  for (const ApiReply& r : replies) {
    EXPECT_EQ(
        r.headers.count("Content-Security-Policy") ? r.headers.at("Content-Security-Policy") : "",
        "default-src 'self'; script-src 'self'; frame-ancestors 'none'")
        << r.status;
    EXPECT_EQ(
        r.headers.count("X-Content-Type-Options") ? r.headers.at("X-Content-Type-Options") : "",
        "nosniff")
        << r.status;
    EXPECT_EQ(r.headers.count("Referrer-Policy") ? r.headers.at("Referrer-Policy") : "",
              "no-referrer")
        << r.status;
    EXPECT_EQ(r.headers.count("Cache-Control") ? r.headers.at("Cache-Control") : "", "no-store")
        << r.status;
  }
}

// Each role's routes do what the CLI does: the same disclosure, the same ledger bytes, the same
// revocation.
TEST_F(ApiServerTest, EachRoleSeesAndChangesWhatItShould) {
  // A licence the performer signed on their own device.
  const std::string signed_licence =
      Json({"licence", "draft", "--performer", own_["performer"], "--studio", own_["studio"],
            "--terms", Terms(own_["production"], "signed.json")})["id"];
  SignOnDevice(signed_licence, "union");
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto performer = client.LogIn(devices_["performer"], server.origin());
  const auto studio = client.LogIn(devices_["studio"], server.origin());
  const auto auditor = client.LogIn(devices_["union"], server.origin());
  ASSERT_TRUE(performer && studio && auditor);
  const std::string me = "/api/v1/performers/" + own_["performer"];

  // The studio offers; the performer sees the offer with the exact disclosure `licence show` has.
  const ApiReply offer = client.Send(
      "POST", "/api/v1/studios/" + own_["studio"] + "/offers", studio,
      json{{"performer", own_["performer"]},
           {"terms", json::parse(std::ifstream(Terms(own_["production"], "offer.json")))}}
          .dump());
  ASSERT_EQ(offer.status, 201) << offer.body;
  const std::string offered = offer.Json()["id"];
  const json shown = Json({"licence", "show", offered});
  const json offers = client.Send("GET", me + "/offers", performer).Json()["offers"];
  bool found = false;
  for (const json& o : offers) {
    if (o["id"] != offered) continue;
    found = true;
    EXPECT_EQ(o["disclosure"], shown["licence"]["disclosure"]);
    EXPECT_EQ(o["disclosure_sha256"], Sha256Hex(o["disclosure"].get<std::string>()));
  }
  EXPECT_TRUE(found) << offers.dump();

  // The performer revokes the signed licence; the notice period applies.
  const ApiReply revoked =
      client.Send("POST", me + "/licences/" + signed_licence + "/revoke", performer, "{}");
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(revoked.Json()["revoked_from"], "2026-07-01");
  EXPECT_EQ(Json({"licence", "show", signed_licence})["licence"]["state"], "revoked");
  const ApiReply csv = client.Send("GET", me + "/statement.csv", performer);
  EXPECT_EQ(csv.status, 200);
  EXPECT_EQ(csv.headers.count("Content-Type") ? csv.headers.at("Content-Type") : "",
            "text/csv; charset=utf-8");
  EXPECT_EQ(client.Send("GET", me + "/statement", performer).status, 200);

  // The auditor's export is the ledger's bytes; it verifies and proves the newest entry.
  const std::string exported = (dir_->path() / "ledger.log").string();
  Json({"ledger", "export", exported});
  const ApiReply bytes = client.Send("GET", "/api/v1/ledger/export", auditor);
  std::stringstream file;
  file << std::ifstream(exported, std::ios::binary).rdbuf();
  EXPECT_EQ(bytes.body, file.str());
  // The performer's appearances are what the ledger's own computation gives for them.
  const json head = Json({"ledger", "head"})["head"];
  std::array<uint8_t, 32> bank_key{};
  const auto key_bytes = FromHex(head["public_key"].get<std::string>());
  ASSERT_TRUE(key_bytes.ok() && key_bytes->size() == bank_key.size());
  std::copy(key_bytes->begin(), key_bytes->end(), bank_key.begin());
  const auto expected = ledger::ComputeAppearances(file.str(), bank_key, own_["performer"]);
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  const ApiReply appearances = client.Send("GET", me + "/appearances", performer);
  ASSERT_EQ(appearances.status, 200) << appearances.body;
  json served = appearances.Json();
  for (json& shot : served["appearances"]) {
    EXPECT_TRUE(shot.contains("crop")) << shot.dump();
    EXPECT_EQ(shot["production_title"], "Film S1") << shot.dump();
    // From the registry: the crop (docs/portal.md, "Appearance crops") and the title.
    shot.erase("crop");
    shot.erase("production_title");
  }
  EXPECT_EQ(served, ledger::AppearancesJson(*expected));
  EXPECT_EQ(appearances.Json()["performer"], own_["performer"]);
  const json verified = client.Send("GET", "/api/v1/ledger/verification", auditor).Json();
  EXPECT_EQ(verified["valid"], true) << verified.dump();
  const int last = verified["entries"].get<int>() - 1;
  const json proof =
      client.Send("GET", "/api/v1/ledger/entries/" + std::to_string(last) + "/proof", auditor)
          .Json();
  EXPECT_EQ(proof["verified"], true) << proof.dump();
  EXPECT_EQ(proof["type"], "licence_revoked") << proof.dump();
}

// The server does not keep the ledger's writer lock between requests: the CLI appends to the
// ledger while it serves, and the server's next answer includes what the CLI appended.
TEST_F(ApiServerTest, TheCliAppendsToTheLedgerWhileTheServerServes) {
  const std::string licence =
      Json({"licence", "draft", "--performer", own_["performer"], "--studio", own_["studio"],
            "--terms", Terms(own_["production"], "during.json")})["id"];
  SignOnDevice(licence);
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto auditor = client.LogIn(devices_["union"], server.origin());
  const auto performer = client.LogIn(devices_["performer"], server.origin());
  ASSERT_TRUE(auditor && performer);
  // A revocation appends to the ledger from inside the bank.
  EXPECT_EQ(
      client
          .Send("POST",
                "/api/v1/performers/" + own_["performer"] + "/licences/" + licence + "/revoke",
                performer, "{}")
          .status,
      200);
  const json before = client.Send("GET", "/api/v1/ledger/verification", auditor).Json();
  ASSERT_EQ(before["valid"], true) << before.dump();
  const Device key = NewDevice();
  // Bounded: a server holding the ledger's lock would make the CLI wait for ever.
  const RunResult added =
      RunFigurantLimited({"--bank", bank_, "studio", "add", "--name", "Studio during serve",
                          "--public-key", ToHex(key.key.public_key)},
                         {.timeout_ms = 30'000}, {{"FIGURANT_NOW", kNow}});
  EXPECT_FALSE(added.timed_out) << "the CLI waited for the server's ledger lock";
  EXPECT_EQ(added.exit_code, 0) << added.err;
  const json after = client.Send("GET", "/api/v1/ledger/verification", auditor).Json();
  EXPECT_EQ(after["valid"], true) << after.dump();
  EXPECT_EQ(after["entries"].get<int>(), before["entries"].get<int>() + 1) << after.dump();
}

// --tls-cert/--tls-key: HTTPS through httplib's OpenSSL support, with HSTS.
TEST_F(ApiServerTest, ServesHttpsWithACertificate) {
  const std::string cert = (dir_->path() / "cert.pem").string();
  const std::string key = (dir_->path() / "key.pem").string();
  const std::string openssl =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
      "-nodes -days 2 -subj /CN=127.0.0.1 -keyout " +
      key + " -out " + cert + " 2>/dev/null";
  ASSERT_EQ(std::system(openssl.c_str()), 0);
  ServeProcess server(bank_, kNow, {"--tls-cert", cert, "--tls-key", key});
  ASSERT_TRUE(server.ok()) << server.error();
  EXPECT_EQ(server.origin().rfind("https://", 0), 0u) << server.origin();
  httplib::SSLClient client("127.0.0.1", server.port());
  client.enable_server_certificate_verification(false);
  const auto r = client.Get("/api/v1/session");
  ASSERT_TRUE(r) << "no HTTPS reply";
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->get_header_value("Strict-Transport-Security"), "max-age=31536000");
  EXPECT_EQ(ApiClient(server.port()).Send("GET", "/api/v1/session").status, 0)
      << "plain HTTP gets no answer from a TLS listener";
}

TEST_F(ApiServerTest, RefusesANonLoopbackAddressWithoutTls) {
  const RunResult r = Run({"serve", "--listen", "0.0.0.0:0"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("TLS"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace figurant::testing

namespace figurant::testing {
namespace {

// A performer logs in with the key they enrolled (docs/api.md): an operator cannot give anyone a
// performer's log-in with a key of the operator's choosing.
TEST_F(ApiServerTest, APerformerUserNeedsThePerformersOwnEnrolledKey) {
  const Device stranger = NewDevice();
  const RunResult r = Run({"user", "add", "--role", "performer", "--performer", own_["performer"],
                           "--public-key", ToHex(stranger.key.public_key)});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("enrolled"), std::string::npos) << r.err;
  // Another performer's enrolled key does not log in as this one either.
  const RunResult other =
      Run({"user", "add", "--role", "performer", "--performer", own_["performer"], "--public-key",
           ToHex(other_performer_.key.public_key)});
  EXPECT_NE(other.exit_code, 0);
}

}  // namespace
}  // namespace figurant::testing

namespace figurant::testing {
namespace {

// The performer's consent routes (docs/api.md, "Signing, declining and suspending through the
// API"): the device signs what the API hands it, and the API records only what the device signed.
// Each test makes its own production and draft, so the other tests' objects stay as they were.
class ApiConsentTest : public ApiServerTest {
 protected:
  // Run in one process after ApiServerTest, whose suite tear-down removed the shared bank: make
  // it again.
  void SetUp() override {
    if (!dir_) prepared_ = false;
    ApiServerTest::SetUp();
  }
  // A production of the own studio that only this test's licences name, and a draft for it.
  struct Draft {
    std::string production, licence;
  };
  static Draft FreshDraft(const std::string& name) {
    Draft d;
    d.production = Json({"production", "add", "--studio", own_["studio"], "--title", "Film " + name,
                         "--media", "streaming", "--territories", "FR", "--content", "violence",
                         "--fps", "24", "--studio-key", own_["studio_key"]},
                        WithPartyPassphrase())["id"];
    d.licence = Json({"licence", "draft", "--performer", own_["performer"], "--studio",
                      own_["studio"], "--terms", Terms(d.production, name + ".json")})["id"];
    return d;
  }
  static std::string Me() { return "/api/v1/performers/" + own_["performer"]; }
  // `figurant check` of the own performer in `production`: 0 allowed, 3 refused.
  static RunResult Check(const std::string& production) {
    return Run({"--json", "check", "--performer", own_["performer"], "--production", production});
  }
  // The consent record the device signs for `offer_json` (a GET .../offer body), signed with
  // `key` now.
  static consent::ConsentRecord SignOffer(const std::string& offer_json,
                                          const SigningKeyPair& key) {
    const auto offer = consent::ParseOffer(offer_json, "offer");
    EXPECT_TRUE(offer.ok()) << offer.status().ToString();
    if (!offer.ok()) return {};
    consent::ConsentRecord record =
        consent::RecordFor(*offer, consent::Representation::kNone, *ParseTimestamp(kNow));
    EXPECT_TRUE(consent::SignConsent(record, offer->terms_text, key).ok());
    return record;
  }
  // A statement request (a suspension-request or membership-request body) signed with `key`, as
  // `figurant key sign-statement` writes it.
  static std::string SignRequest(const std::string& request_json, const SigningKeyPair& key) {
    const auto request = consent::ParseStatementRequest(request_json, "request");
    EXPECT_TRUE(request.ok()) << request.status().ToString() << " in " << request_json;
    if (!request.ok()) return "";
    const auto signed_statement = consent::SignStatement(*request, key);
    EXPECT_TRUE(signed_statement.ok()) << signed_statement.status().ToString();
    return signed_statement.ok() ? consent::StatementSignatureJson(*signed_statement) : "";
  }
};

TEST_F(ApiConsentTest, ADraftIsSignedOverTheApiWithTheDevicesKey) {
  const Draft draft = FreshDraft("sign-api");
  const Draft second = FreshDraft("sign-api-other");
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto performer = client.LogIn(devices_["performer"], server.origin());
  ASSERT_TRUE(performer);
  const std::string licence = Me() + "/licences/" + draft.licence;

  // The offer is the very document `licence offer --out` writes.
  const ApiReply offer = client.Send("GET", licence + "/offer", performer);
  ASSERT_EQ(offer.status, 200) << offer.body;
  EXPECT_EQ(offer.headers.count("Content-Type") ? offer.headers.at("Content-Type") : "",
            "application/json");
  const std::string offer_file = (dir_->path() / "sign-api.offer.json").string();
  Json({"licence", "offer", draft.licence, "--out", offer_file});
  EXPECT_EQ(offer.body, *ReadFile(offer_file));

  consent::ConsentRecord record = SignOffer(offer.body, devices_["performer"].key);
  const std::string signature = consent::ConsentSignatureJson(record);
  // A signature over this licence does not sign another, and the path's performer must be the
  // record's.
  const ApiReply elsewhere =
      client.Send("POST", Me() + "/licences/" + second.licence + "/sign", performer, signature);
  EXPECT_EQ(elsewhere.status, 400) << elsewhere.body;
  EXPECT_EQ(elsewhere.Json()["error"]["field"], "licence_id") << elsewhere.body;
  consent::ConsentRecord someone_else = record;
  someone_else.performer_id = other_["performer"];
  someone_else.signer_id = other_["performer"];
  const ApiReply other_performer = client.Send("POST", licence + "/sign", performer,
                                               consent::ConsentSignatureJson(someone_else));
  EXPECT_EQ(other_performer.status, 400) << other_performer.body;
  EXPECT_EQ(other_performer.Json()["error"]["field"], "performer_id") << other_performer.body;
  // Signed with a key that is not the performer's enrolled one: refused, nothing recorded.
  const ApiReply stranger =
      client.Send("POST", licence + "/sign", performer,
                  consent::ConsentSignatureJson(SignOffer(offer.body, other_performer_.key)));
  EXPECT_EQ(stranger.status, 403) << stranger.body;
  EXPECT_EQ(Json({"licence", "show", draft.licence})["licence"]["state"], "draft");

  const ApiReply signed_reply = client.Send("POST", licence + "/sign", performer, signature);
  ASSERT_EQ(signed_reply.status, 200) << signed_reply.body;
  EXPECT_EQ(signed_reply.Json()["state"], "active") << signed_reply.body;
  EXPECT_EQ(signed_reply.Json()["signature_valid"], true) << signed_reply.body;
  EXPECT_EQ(signed_reply.Json()["consent"]["signature"], ToHex(record.signature));
  EXPECT_EQ(Json({"licence", "show", draft.licence})["licence"]["state"], "active");
  EXPECT_EQ(Run({"ledger", "verify"}).exit_code, 0);
  EXPECT_EQ(Check(draft.production).exit_code, 0);
  // Signing again, or asking for the offer of an active licence, is a state conflict.
  EXPECT_EQ(client.Send("POST", licence + "/sign", performer, signature).status, 409);
  EXPECT_EQ(client.Send("GET", licence + "/offer", performer).status, 409);
}

TEST_F(ApiConsentTest, APerformerSuspendsAndResumesThroughTheApi) {
  const Draft draft = FreshDraft("suspend-api");
  SignOnDevice(draft.licence);
  ASSERT_EQ(Check(draft.production).exit_code, 0);
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto performer = client.LogIn(devices_["performer"], server.origin());
  ASSERT_TRUE(performer);
  const std::string licence = Me() + "/licences/" + draft.licence;

  const ApiReply missing = client.Send("POST", licence + "/suspension-request", performer, "{}");
  EXPECT_EQ(missing.status, 400) << missing.body;
  EXPECT_EQ(missing.Json()["error"]["field"], "suspend") << missing.body;
  const ApiReply past = client.Send("POST", licence + "/suspension-request", performer,
                                    R"({"suspend": true, "from": "2026-05-01"})");
  EXPECT_EQ(past.status, 400) << past.body;
  EXPECT_EQ(past.Json()["error"]["field"], "from") << past.body;

  const ApiReply request =
      client.Send("POST", licence + "/suspension-request", performer, R"({"suspend": true})");
  ASSERT_EQ(request.status, 200) << request.body;
  EXPECT_EQ(request.Json()["kind"], "suspend_licence") << request.body;
  // Signed by a key that is not the performer's: refused, nothing recorded.
  const ApiReply wrong_key = client.Send("POST", Me() + "/statements", performer,
                                         SignRequest(request.body, other_performer_.key));
  EXPECT_EQ(wrong_key.status, 403) << wrong_key.body;
  EXPECT_EQ(Check(draft.production).exit_code, 0);

  const ApiReply suspended = client.Send("POST", Me() + "/statements", performer,
                                         SignRequest(request.body, devices_["performer"].key));
  ASSERT_EQ(suspended.status, 201) << suspended.body;
  EXPECT_EQ(suspended.Json()["kind"], "suspend_licence");
  EXPECT_EQ(suspended.Json()["fields"]["licence"], draft.licence);
  const RunResult refused = Check(draft.production);
  EXPECT_EQ(refused.exit_code, 3) << refused.out;
  EXPECT_NE(refused.out.find("\"suspended\""), std::string::npos) << refused.out;
  // The licence says so, and the performer's page offers to resume, not to pause again.
  const json paused = client.Send("GET", licence, performer).Json();
  EXPECT_EQ(paused["suspended"], true) << paused.dump();
  EXPECT_EQ(paused["suspensions"], json::parse(R"([{"from": "2026-06-01", "until": null}])"));
  const ApiReply page = client.Send("GET", "/me/licences/" + draft.licence + "?lang=en", performer);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("Paused by you since 2026-06-01"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("data-suspension-request=\"false\""), std::string::npos);
  EXPECT_EQ(page.body.find("data-suspension-request=\"true\""), std::string::npos);
  // The studio sees it paused too, on its offers and its page, before it renders.
  const auto studio = client.LogIn(devices_["studio"], server.origin());
  ASSERT_TRUE(studio);
  const json offers =
      client.Send("GET", "/api/v1/studios/" + own_["studio"] + "/offers", studio).Json()["offers"];
  bool seen = false;
  for (const json& o : offers) {
    if (o["id"] != draft.licence) continue;
    seen = true;
    EXPECT_EQ(o["suspended"], true) << o.dump();
  }
  EXPECT_TRUE(seen) << offers.dump();
  const ApiReply studio_page = client.Send("GET", "/studio?lang=en", studio);
  EXPECT_NE(studio_page.body.find("Paused by the performer since 2026-06-01"), std::string::npos)
      << studio_page.body;
  // Suspending a suspended licence makes no sense: the bank does not even ask.
  EXPECT_EQ(client.Send("POST", licence + "/suspension-request", performer, R"({"suspend": true})")
                .status,
            409);

  const ApiReply resume =
      client.Send("POST", licence + "/suspension-request", performer, R"({"suspend": false})");
  ASSERT_EQ(resume.status, 200) << resume.body;
  const ApiReply resumed = client.Send("POST", Me() + "/statements", performer,
                                       SignRequest(resume.body, devices_["performer"].key));
  ASSERT_EQ(resumed.status, 201) << resumed.body;
  EXPECT_EQ(resumed.Json()["kind"], "resume_licence");
  EXPECT_EQ(Check(draft.production).exit_code, 0);
  bool listed = false;
  const ApiReply list = client.Send("GET", Me() + "/licences", performer);
  ASSERT_EQ(list.status, 200) << list.body;
  const json licences = list.Json()["licences"];
  for (const json& l : licences) {
    if (l["id"] != draft.licence) continue;
    listed = true;
    EXPECT_EQ(l["suspended"], false) << l.dump();
    ASSERT_EQ(l["suspensions"].size(), 1u) << l.dump();
    EXPECT_TRUE(l["suspensions"][0]["until"].is_string()) << l.dump();
  }
  EXPECT_TRUE(listed) << list.body;
  EXPECT_EQ(Run({"ledger", "verify"}).exit_code, 0);
}

// The statements route records only the performer's own statements: another performer's, or one
// about another's licence, is hidden exactly like their objects; a union's strike is not a
// performer's to post.
TEST_F(ApiConsentTest, TheStatementsRouteTakesOnlyThePerformersOwnStatements) {
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto performer = client.LogIn(devices_["performer"], server.origin());
  ASSERT_TRUE(performer);
  const SigningKeyPair& key = devices_["performer"].key;
  const auto post = [&](consent::StatementKind kind,
                        const std::vector<std::pair<std::string, std::string>>& fields) {
    consent::StatementRequest request;
    request.kind = kind;
    for (const auto& [name, value] : fields) request.fields.push_back({name, value});
    return client.Send("POST", Me() + "/statements", performer,
                       SignRequest(consent::StatementRequestJson(request), key));
  };
  using consent::StatementKind;
  const std::vector<std::pair<std::string, std::string>> others_licence = {
      {"licence", other_["licence"]},
      {"performer", own_["performer"]},
      {"from", "2026-06-01"},
      {"signed_at", kNow}};
  for (const ApiReply& r :
       {post(StatementKind::kSuspendLicence, others_licence),
        post(StatementKind::kSuspendLicence, {{"licence", other_["licence"]},
                                              {"performer", other_["performer"]},
                                              {"from", "2026-06-01"},
                                              {"signed_at", kNow}}),
        post(StatementKind::kJoinUnion, {{"performer", other_["performer"]},
                                         {"union", "rep_0000000000000000"},
                                         {"signed_at", kNow}})}) {
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(r.body, kNotFoundBody);
  }
  const ApiReply strike = post(StatementKind::kStrike, {{"union", "rep_0000000000000000"},
                                                        {"studio", own_["studio"]},
                                                        {"from", "2026-06-01"},
                                                        {"signed_at", kNow}});
  EXPECT_EQ(strike.status, 400) << strike.body;
  EXPECT_EQ(strike.Json()["error"]["field"], "kind") << strike.body;
  const ApiReply garbage = client.Send("POST", Me() + "/statements", performer, "{}");
  EXPECT_EQ(garbage.status, 400) << garbage.body;
  EXPECT_EQ(garbage.Json()["error"]["field"], "format") << garbage.body;
}

// A declined offer leaves the performer's offers and can no longer be signed, even with a
// signature the device made before.
TEST_F(ApiConsentTest, ADeclinedOfferCannotBeSigned) {
  const Draft draft = FreshDraft("decline-api");
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto performer = client.LogIn(devices_["performer"], server.origin());
  ASSERT_TRUE(performer);
  const std::string licence = Me() + "/licences/" + draft.licence;
  const ApiReply offer = client.Send("GET", licence + "/offer", performer);
  ASSERT_EQ(offer.status, 200) << offer.body;
  const std::string signature =
      consent::ConsentSignatureJson(SignOffer(offer.body, devices_["performer"].key));

  const ApiReply too_long = client.Send("POST", licence + "/decline", performer,
                                        json{{"reason", std::string(501, 'x')}}.dump());
  EXPECT_EQ(too_long.status, 400) << too_long.body;
  EXPECT_EQ(too_long.Json()["error"]["field"], "reason") << too_long.body;
  const ApiReply declined = client.Send("POST", licence + "/decline", performer,
                                        json{{"reason", "Not this film"}}.dump());
  ASSERT_EQ(declined.status, 200) << declined.body;
  EXPECT_EQ(declined.Json()["state"], "draft");
  EXPECT_EQ(declined.Json()["standing"], "declined");
  EXPECT_EQ(declined.Json()["declined_at"], kNow);
  EXPECT_EQ(declined.Json()["decline_reason"], "Not this film");
  EXPECT_EQ(client.Send("POST", licence + "/decline", performer, "{}").status, 409)
      << "declining twice";

  const ApiReply sign = client.Send("POST", licence + "/sign", performer, signature);
  EXPECT_EQ(sign.status, 409) << sign.body;
  EXPECT_NE(sign.body.find("declined on 2026-06-01"), std::string::npos) << sign.body;
  EXPECT_EQ(client.Send("GET", licence + "/offer", performer).status, 409);
  // A copy: a range-for over a temporary's member would read freed memory.
  const json offers = client.Send("GET", Me() + "/offers", performer).Json()["offers"];
  ASSERT_TRUE(offers.is_array());
  for (const json& o : offers) {
    EXPECT_NE(o["id"], draft.licence) << "a declined draft is no longer offered";
  }
  const json shown = Json({"licence", "show", draft.licence})["licence"];
  EXPECT_EQ(shown["declined_at"], kNow) << shown.dump();
  EXPECT_EQ(shown["state"], "draft");
  EXPECT_EQ(Run({"ledger", "verify"}).exit_code, 0);
}

TEST_F(ApiConsentTest, APerformerJoinsAUnionThroughTheApi) {
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto performer = client.LogIn(devices_["performer"], server.origin());
  const auto auditor = client.LogIn(devices_["union"], server.origin());
  ASSERT_TRUE(performer && auditor);
  const std::string union_id = client.Send("GET", "/api/v1/session", auditor).Json()["subject"];
  const std::string path = Me() + "/membership-request";

  const ApiReply unknown =
      client.Send("POST", path, performer, R"({"union": "rep_0000000000000000", "join": true})");
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(unknown.Json()["error"]["field"], "union") << unknown.body;
  const std::string join = json{{"union", union_id}, {"join", true}}.dump();
  const ApiReply request = client.Send("POST", path, performer, join);
  ASSERT_EQ(request.status, 200) << request.body;
  EXPECT_EQ(request.Json()["kind"], "join_union");
  const ApiReply joined = client.Send("POST", Me() + "/statements", performer,
                                      SignRequest(request.body, devices_["performer"].key));
  ASSERT_EQ(joined.status, 201) << joined.body;
  EXPECT_EQ(joined.Json()["fields"]["union"], union_id);
  EXPECT_EQ(client.Send("POST", path, performer, join).status, 409) << "joining twice";
  EXPECT_EQ(Run({"ledger", "verify"}).exit_code, 0);
}

// A union auditor's own union, operator invites and public enrolment (docs/api.md, "Union audit"
// and "Invites and enrolment"). Each test makes its own performers and studio.
class ApiUnionTest : public ApiServerTest {
 protected:
  // A union member: a fresh performer with their own studio and production, and a licence
  // between them signed on the performer's device (its scan fee is owed).
  struct Member {
    std::map<std::string, std::string> ids;  // as MakeParty
    Device device;
  };
  static Member NewMember(const std::string& name, const std::string& studio) {
    Member m{MakeParty(name, studio), {}};
    m.device = AddPerformerUser(m.ids["performer"]);
    SignOnDevice(m.ids["licence"], "union", &m.device.key);
    return m;
  }
  // `figurant performer join-union`, signed on the member's device, recorded.
  static void JoinUnion(const Member& m, const std::string& union_id) {
    const std::string request = (dir_->path() / (m.ids.at("performer") + ".join.json")).string();
    const std::string signature = (dir_->path() / (m.ids.at("performer") + ".sig.json")).string();
    Json({"performer", "join-union", m.ids.at("performer"), "--union", union_id, "--out", request});
    const auto asked = consent::ParseStatementRequest(*ReadFile(request), request);
    ASSERT_TRUE(asked.ok()) << asked.status().ToString();
    const auto signed_statement = consent::SignStatement(*asked, m.device.key);
    ASSERT_TRUE(signed_statement.ok()) << signed_statement.status().ToString();
    std::ofstream(signature) << consent::StatementSignatureJson(*signed_statement);
    Json({"record", signature});
  }
  // `request` (a statement request's JSON) signed on the device holding `key_file` with
  // `figurant key sign-statement`: the signature document.
  static std::string SignWithKeyFile(const std::string& request, const std::string& key_file,
                                     const std::string& name) {
    const std::string in = (dir_->path() / (name + ".request.json")).string();
    const std::string out = (dir_->path() / (name + ".signature.json")).string();
    std::ofstream(in) << request;
    const RunResult r =
        RunFigurantWithInput({"key", "sign-statement", in, "--key", key_file, "--out", out},
                             "sign\n", WithPartyPassphrase({{"FIGURANT_NOW", kNow}}));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto signature = ReadFile(out);
    return signature.ok() ? *signature : "";
  }
  static std::string UnionKey() { return (dir_->path() / "union.key").string(); }
  static std::string UnionPath(const std::string& union_id, const std::string& rest) {
    return "/api/v1/unions/" + union_id + "/" + rest;
  }
};

// A member's totals are the figures of their own statement; a performer who never joined is not
// listed.
TEST_F(ApiUnionTest, AUnionSeesItsMembersWithTheFiguresOfTheirOwnStatements) {
  const Member member = NewMember("Member", "S3");
  const Member stranger = NewMember("Stranger", "S4");
  JoinUnion(member, own_["union"]);
  JoinUnion(stranger, other_["union"]);  // another union's member
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto auditor = client.LogIn(devices_["union"], server.origin());
  const auto performer = client.LogIn(member.device, server.origin());
  ASSERT_TRUE(auditor && performer);
  const ApiReply r = client.Send("GET", UnionPath(own_["union"], "members"), auditor);
  ASSERT_EQ(r.status, 200) << r.body;
  const json members = r.Json();
  EXPECT_EQ(members["union"], own_["union"]);
  const std::string me = "/api/v1/performers/" + member.ids.at("performer");
  const json own = client.Send("GET", me + "/statement", performer).Json();
  ASSERT_EQ(own["total"]["EUR"], 180.0) << "the signed licence's scan fee: " << own.dump();
  json found;
  std::map<std::string, double> owed;
  for (const json& m : members["members"]) {
    EXPECT_NE(m["performer"], stranger.ids.at("performer")) << "not a member of this union";
    for (const auto& [currency, amount] : m["totals"]["owed"].items()) {
      owed[currency] += amount.get<double>();
    }
    if (m["performer"] == member.ids.at("performer")) found = m;
  }
  ASSERT_TRUE(found.is_object()) << members.dump();
  EXPECT_EQ(found["name"], "Performer Member");
  EXPECT_EQ(found["current"], true);
  EXPECT_EQ(found["memberships"], json::parse(R"([{"from": "2026-06-01", "until": null}])"));
  EXPECT_EQ(found["totals"]["owed"], own["total"]) << "the member's own statement's total";
  EXPECT_EQ(found["totals"]["productions"], own["production_count"]);
  EXPECT_EQ(found["totals"]["frames"], 0);
  EXPECT_EQ(members["totals"]["owed"], json(owed)) << "the union's total is its members' sum";
  EXPECT_EQ(members["totals"]["members"], members["members"].size());
  EXPECT_EQ(members["ledger_head"], own["ledger_head"]);
  // Another union's members are another's object.
  const ApiReply others = client.Send("GET", UnionPath(other_["union"], "members"), auditor);
  EXPECT_EQ(others.status, 404);
  EXPECT_EQ(others.body, kNotFoundBody);
}

// The union asks for its strike request, signs it with its own key, records it: strikes lists it
// and `check` refuses its members for that studio with reason strike.
TEST_F(ApiUnionTest, AUnionDeclaresAStrikeSignedWithItsOwnKey) {
  const Member member = NewMember("Striker", "S5");
  JoinUnion(member, own_["union"]);
  const std::string studio = member.ids.at("studio");
  const std::vector<std::string> check = {"--json",       "check",
                                          "--performer",  member.ids.at("performer"),
                                          "--production", member.ids.at("production")};
  EXPECT_EQ(Run(check).exit_code, 0) << "allowed before the strike";
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto auditor = client.LogIn(devices_["union"], server.origin());
  ASSERT_TRUE(auditor);
  const std::string ask = UnionPath(own_["union"], "strike-request");
  const ApiReply unknown = client.Send(
      "POST", ask, auditor, json{{"studio", "stu_0000000000000000"}, {"declare", true}}.dump());
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(unknown.Json()["error"]["field"], "studio") << unknown.body;
  const ApiReply asked =
      client.Send("POST", ask, auditor, json{{"studio", studio}, {"declare", true}}.dump());
  ASSERT_EQ(asked.status, 200) << asked.body;
  EXPECT_EQ(asked.Json()["kind"], "strike") << asked.body;
  const std::string signature = SignWithKeyFile(asked.body, UnionKey(), "strike-" + studio);
  const ApiReply recorded =
      client.Send("POST", UnionPath(own_["union"], "statements"), auditor, signature);
  ASSERT_EQ(recorded.status, 201) << recorded.body;
  EXPECT_EQ(recorded.Json()["studio"], studio);
  EXPECT_EQ(client.Send("POST", UnionPath(own_["union"], "statements"), auditor, signature).status,
            409)
      << "declaring a strike that is on makes no sense";

  const json strikes = client.Send("GET", UnionPath(own_["union"], "strikes"), auditor).Json();
  EXPECT_NE(strikes["strikes"].dump().find(
                json{{"from", "2026-06-01"}, {"studio", studio}, {"until", nullptr}}.dump()),
            std::string::npos)
      << strikes.dump();
  const RunResult refused = Run(check);
  EXPECT_EQ(refused.exit_code, 3) << refused.out << refused.err;
  EXPECT_NE(refused.out.find("strike"), std::string::npos) << refused.out;

  // Union V's statement, even well signed, is not Union U's to record.
  const std::string v_request = (dir_->path() / "v-strike.json").string();
  Json({"union", "strike", other_["union"], "--studio", studio, "--out", v_request});
  const std::string v_signature =
      SignWithKeyFile(*ReadFile(v_request), (dir_->path() / "union_v.key").string(), "v-strike");
  const ApiReply others =
      client.Send("POST", UnionPath(own_["union"], "statements"), auditor, v_signature);
  EXPECT_EQ(others.status, 404) << others.body;
  EXPECT_EQ(others.body, kNotFoundBody);
  const ApiReply v_strikes = client.Send("GET", UnionPath(other_["union"], "strikes"), auditor);
  EXPECT_EQ(v_strikes.status, 404);
}

// An operator invites; the list never shows a code; the performer enrols with it, publicly, and
// logs in at once with the key they enrolled.
TEST_F(ApiUnionTest, AnInvitedPerformerEnrolsAndLogsInWithTheirOwnKey) {
  const std::string performer = Json({"performer", "add", "--name", "Invitee"})["id"];
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto op = client.LogIn(devices_["operator"], server.origin());
  ASSERT_TRUE(op);
  const ApiReply typo = client.Send("POST", "/api/v1/invites", op,
                                    json{{"performer", "per_0000000000000000"}}.dump());
  EXPECT_EQ(typo.status, 400) << typo.body;
  EXPECT_EQ(typo.Json()["error"]["field"], "performer");
  const ApiReply invited =
      client.Send("POST", "/api/v1/invites", op,
                  json{{"performer", performer}, {"expires", "2026-06-03"}}.dump());
  ASSERT_EQ(invited.status, 201) << invited.body;
  const std::string code = invited.Json()["code"];
  EXPECT_EQ(invited.Json()["expires_at"], "2026-06-04T00:00:00Z") << "the end of that day";
  EXPECT_EQ(invited.Json()["signer"], "performer");
  const auto listed = [&] {
    const ApiReply r = client.Send("GET", "/api/v1/invites", op);
    EXPECT_EQ(r.body.find(code), std::string::npos) << "a code is shown once only";
    const json invites = r.Json()["invites"];
    for (const json& i : invites) {
      EXPECT_FALSE(i.contains("code")) << i.dump();
      if (i["performer"] == performer) return i;
    }
    return json();
  };
  EXPECT_EQ(listed()["used_at"], nullptr);

  Device device = NewDevice();
  const std::string hash = bank::EnrolmentCodeHash(*bank::NormaliseEnrolmentCode(code));
  const std::string proof =
      ToHex(SignDetached(bank::EnrolmentProofMessage(hash, device.key.public_key), device.key));
  const json body = {{"code", code}, {"public_key", ToHex(device.key.public_key)}};
  json with_proof = body;
  with_proof["proof"] = proof;
  const ApiReply enrolled =
      client.Send("POST", "/api/v1/enrolment", std::nullopt, with_proof.dump());
  ASSERT_EQ(enrolled.status, 201) << enrolled.body;
  EXPECT_EQ(enrolled.Json()["performer"], performer);
  EXPECT_EQ(enrolled.Json()["key"], ToHex(device.key.public_key));
  device.user = enrolled.Json()["user"];
  EXPECT_TRUE(client.LogIn(device, server.origin())) << "the performer logs in at once";
  EXPECT_EQ(listed()["used_at"], "2026-06-01T12:00:00Z");

  // A used code and a made-up one answer alike and name no performer.
  Device again = NewDevice();
  for (const std::string& c : {code, std::string("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF")}) {
    const ApiReply r =
        client.Send("POST", "/api/v1/enrolment", std::nullopt,
                    json{{"code", c}, {"public_key", ToHex(again.key.public_key)}}.dump());
    EXPECT_EQ(r.status, 403) << c << ": " << r.body;
    EXPECT_EQ(r.body.find("per_"), std::string::npos) << r.body;
  }
  const ApiReply malformed =
      client.Send("POST", "/api/v1/enrolment", std::nullopt,
                  json{{"code", "not a code"}, {"public_key", ToHex(again.key.public_key)}}.dump());
  EXPECT_EQ(malformed.status, 400) << malformed.body;
}

// Enrolment attempts share the log-in's bucket per client address: with --login-burst 2 and
// --login-per-minute 2 an address may try 5 × 2 = 10 times, then waits 60 / 10 = 6 s per attempt.
TEST_F(ApiUnionTest, EnrolmentAttemptsAreRateLimitedPerAddress) {
  const std::string performer = Json({"performer", "add", "--name", "Patient"})["id"];
  const std::string code = Json({"performer", "invite", performer})["code"];
  const Device device = NewDevice();
  const std::string good =
      json{{"code", code}, {"public_key", ToHex(device.key.public_key)}}.dump();
  const std::string bad =
      json{{"code", "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF"}, {"public_key", ToHex(device.key.public_key)}}
          .dump();
  const std::vector<std::string> limits = {"--login-burst", "2", "--login-per-minute", "2"};
  {
    ServeProcess server(bank_, kNow, limits);
    ASSERT_TRUE(server.ok()) << server.error();
    ApiClient client(server.port());
    for (int i = 0; i < 10; ++i) {
      EXPECT_EQ(client.Send("POST", "/api/v1/enrolment", std::nullopt, bad).status, 403) << i;
    }
    const ApiReply limited = client.Send("POST", "/api/v1/enrolment", std::nullopt, bad);
    EXPECT_EQ(limited.status, 429) << limited.body;
    EXPECT_EQ(limited.headers.count("Retry-After") ? limited.headers.at("Retry-After") : "", "6");
    EXPECT_EQ(client.Send("POST", "/api/v1/enrolment", std::nullopt, good).status, 429)
        << "the right code does not get past the limit either";
  }
  // The buckets live in the server's memory: a new one (or, on the bank's clock, 6 s) lets the
  // right code through, unused by the refused attempt.
  ServeProcess server(bank_, kNow, limits);
  ASSERT_TRUE(server.ok()) << server.error();
  const ApiReply enrolled =
      ApiClient(server.port()).Send("POST", "/api/v1/enrolment", std::nullopt, good);
  EXPECT_EQ(enrolled.status, 201) << enrolled.body;
}

}  // namespace
}  // namespace figurant::testing

namespace figurant::testing {
namespace {

std::string Header(const ApiReply& r, const std::string& name) {
  return r.headers.count(name) ? r.headers.at(name) : "";
}

uint32_t LittleEndian32(const std::string& bytes, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v |= uint32_t(uint8_t(bytes[at + i])) << (8 * i);
  return v;
}

// The export holds the performer's own data as the other routes show it, and nothing of another
// performer's.
TEST_F(ApiServerTest, TheExportHoldsThePerformersDataAndNothingOfAnothers) {
  const std::string signed_licence =
      Json({"licence", "draft", "--performer", own_["performer"], "--studio", own_["studio"],
            "--terms", Terms(own_["production"], "exported.json")})["id"];
  SignOnDevice(signed_licence, "union");
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto performer = client.LogIn(devices_["performer"], server.origin());
  ASSERT_TRUE(performer);
  const std::string me = "/api/v1/performers/" + own_["performer"];
  const ApiReply r = client.Send("GET", me + "/export", performer);
  ASSERT_EQ(r.status, 200) << r.body;
  std::cout << "export of " << own_["performer"] << ": " << r.body.size() << " bytes\n";
  EXPECT_EQ(Header(r, "Content-Disposition"),
            "attachment; filename=\"figurant-export-" + own_["performer"] + ".json\"");
  const json doc = r.Json();
  ASSERT_TRUE(doc.is_object()) << r.body.substr(0, 200);
  EXPECT_EQ(doc["format"], "figurant-performer-export-v1");
  EXPECT_EQ(doc["exported_at"], kNow);
  EXPECT_EQ(doc["performer"]["id"], own_["performer"]);
  EXPECT_EQ(doc["performer"]["retention"], client.Send("GET", me, performer).Json()["retention"]);

  // The signed licence exactly as its own route shows it (disclosure, consent and signature,
  // suspensions).
  const json shown = client.Send("GET", me + "/licences/" + signed_licence, performer).Json();
  ASSERT_TRUE(shown.contains("consent")) << shown.dump();
  bool found = false;
  for (const json& licence : doc["licences"]) {
    EXPECT_EQ(licence["performer"], own_["performer"]);
    if (licence["id"] != signed_licence) continue;
    found = true;
    EXPECT_EQ(licence["suspensions"], json::array());
    EXPECT_EQ(licence["suspended"], false);
    EXPECT_EQ(licence, shown);
    EXPECT_EQ(licence["disclosure"],
              Json({"licence", "show", signed_licence})["licence"]["disclosure"]);
  }
  EXPECT_TRUE(found) << doc["licences"].dump();

  // The key the performer enrolled, with its period; the user that logs in with it.
  ASSERT_EQ(doc["keys"].size(), 1u) << doc["keys"].dump();
  EXPECT_EQ(doc["keys"][0]["public_key"], ToHex(devices_["performer"].key.public_key));
  EXPECT_EQ(doc["keys"][0]["signer"], "performer");
  EXPECT_EQ(doc["keys"][0]["valid_from"], kNow);
  EXPECT_TRUE(doc["keys"][0]["revoked_from"].is_null());
  ASSERT_EQ(doc["users"].size(), 1u) << doc["users"].dump();
  EXPECT_EQ(doc["users"][0]["id"], devices_["performer"].user);
  EXPECT_EQ(doc["memberships"], json({{"unions", json::array()}, {"strikes", json::array()}}));

  // The ledger's computations, as their own routes answer them.
  EXPECT_EQ(doc["statement"], client.Send("GET", me + "/statement", performer).Json());
  EXPECT_EQ(doc["appearances"], client.Send("GET", me + "/appearances", performer).Json());
  ASSERT_EQ(doc["doubles"].size(), 1u) << doc["doubles"].dump();
  EXPECT_EQ(doc["doubles"][0]["id"], own_["double"]);
  EXPECT_EQ(doc["doubles"][0]["mesh"], me + "/doubles/" + own_["double"] + "/mesh.glb");

  // Nothing of the other performer's anywhere.
  for (const std::string kind : {"performer", "studio", "production", "licence", "double"}) {
    EXPECT_EQ(r.body.find(other_[kind]), std::string::npos) << "another's " << kind;
  }
  EXPECT_EQ(r.body.find(other_performer_.user), std::string::npos);
  EXPECT_EQ(r.body.find(ToHex(other_performer_.key.public_key)), std::string::npos);
}

// Suspensions, union memberships and strikes, signed on the performer's and the union's own
// devices and recorded by the bank, are in the export as the ledger states them.
TEST_F(ApiServerTest, TheExportShowsSuspensionsMembershipsAndStrikes) {
  const std::string licence =
      Json({"licence", "draft", "--performer", own_["performer"], "--studio", own_["studio"],
            "--terms", Terms(own_["production"], "suspended.json")})["id"];
  SignOnDevice(licence);
  std::string union_id;
  const json users = Json({"user", "list"});
  for (const json& u : users["users"]) {
    if (u["id"] == devices_["union"].user) union_id = u["subject"];
  }
  ASSERT_FALSE(union_id.empty());
  // The bank's request, signed on the performer's device (`figurant key sign-statement` does the
  // same with a key file), recorded.
  int n = 0;
  const auto on_performers_device = [&](std::vector<std::string> request_args) {
    const std::string request = (dir_->path() / ("statement" + std::to_string(++n))).string();
    request_args.insert(request_args.end(), {"--out", request});
    ASSERT_EQ(Run(request_args).exit_code, 0);
    const auto parsed = consent::ParseStatementRequest(*ReadFile(request), request);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    const auto signed_statement = consent::SignStatement(*parsed, devices_["performer"].key);
    ASSERT_TRUE(signed_statement.ok()) << signed_statement.status().ToString();
    std::ofstream(request + ".sig") << consent::StatementSignatureJson(*signed_statement);
    Json({"record", request + ".sig"});
  };
  on_performers_device({"licence", "suspend", licence});
  on_performers_device({"performer", "join-union", own_["performer"], "--union", union_id});
  // The union declares a strike against the studio with its own key file.
  const std::string strike = (dir_->path() / "strike.json").string();
  ASSERT_EQ(
      Run({"union", "strike", union_id, "--studio", own_["studio"], "--out", strike}).exit_code, 0);
  const RunResult signed_strike =
      RunFigurantWithInput({"key", "sign-statement", strike, "--key",
                            (dir_->path() / "union.key").string(), "--out", strike + ".sig"},
                           "sign\n", WithPartyPassphrase({{"FIGURANT_NOW", kNow}}));
  ASSERT_EQ(signed_strike.exit_code, 0) << signed_strike.err;
  Json({"record", strike + ".sig"});

  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto performer = client.LogIn(devices_["performer"], server.origin());
  ASSERT_TRUE(performer);
  const ApiReply r =
      client.Send("GET", "/api/v1/performers/" + own_["performer"] + "/export", performer);
  ASSERT_EQ(r.status, 200) << r.body;
  const json doc = r.Json();
  const json today = {{"from", "2026-06-01"}, {"until", nullptr}};
  int suspended = 0;
  for (const json& l : doc["licences"]) {
    const bool this_one = l["id"] == licence;
    EXPECT_EQ(l["suspended"], this_one) << l["id"];
    EXPECT_EQ(l["suspensions"], this_one ? json::array({today}) : json::array()) << l["id"];
    suspended += this_one;
  }
  EXPECT_EQ(suspended, 1) << doc["licences"].dump();
  json strike_period = today;
  strike_period["union"] = union_id;
  strike_period["studio"] = own_["studio"];
  EXPECT_EQ(doc["memberships"],
            json({{"unions", {union_id}}, {"strikes", json::array({strike_period})}}));
}

// The .glb is the double's geometry: a glTF 2.0 binary whose mesh has the double's vertices.
TEST_F(ApiServerTest, TheMeshIsTheDoublesGeometryAsGlb) {
  size_t stored_vertices = 0;
  {
    FixedClock clock(*ParseTimestamp(kNow));
    auto bank = bank::Bank::Open(bank_, clock);
    ASSERT_TRUE(bank.ok()) << bank.status().ToString();
    auto asset = (*bank)->LoadDouble(own_["double"]);
    ASSERT_TRUE(asset.ok()) << asset.status().ToString();
    stored_vertices = asset->mesh.positions.size();
  }
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto performer = client.LogIn(devices_["performer"], server.origin());
  ASSERT_TRUE(performer);
  const std::string doubles = "/api/v1/performers/" + own_["performer"] + "/doubles/";
  const auto start = std::chrono::steady_clock::now();
  const ApiReply r = client.Send("GET", doubles + own_["double"] + "/mesh.glb", performer);
  const auto ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(r.status, 200) << r.body;
  std::cout << "mesh.glb of " << own_["double"] << ": " << r.body.size() << " bytes, " << ms
            << " ms\n";
  EXPECT_EQ(Header(r, "Content-Type"), "model/gltf-binary");
  EXPECT_EQ(Header(r, "Content-Disposition"),
            "attachment; filename=\"" + own_["double"] + ".glb\"");
  ASSERT_GE(r.body.size(), 12u);
  EXPECT_EQ(r.body.substr(0, 4), "glTF");
  EXPECT_EQ(LittleEndian32(r.body, 4), 2u) << "glTF version";
  EXPECT_EQ(LittleEndian32(r.body, 8), r.body.size()) << "the header's length is the body's";
  Assimp::Importer importer;
  const aiScene* scene = importer.ReadFileFromMemory(r.body.data(), r.body.size(),
                                                     aiProcess_ValidateDataStructure, "glb");
  ASSERT_NE(scene, nullptr) << importer.GetErrorString();
  ASSERT_EQ(scene->mNumMeshes, 1u);
  EXPECT_EQ(scene->mMeshes[0]->mNumVertices, stored_vertices);
  EXPECT_GT(stored_vertices, 0u);

  // Another's double, and one that does not exist, answer the same 404.
  for (const std::string& id : {other_["double"], std::string("dbl_0000000000000000")}) {
    const ApiReply hidden = client.Send("GET", doubles + id + "/mesh.glb", performer);
    EXPECT_EQ(hidden.status, 404) << id;
    EXPECT_EQ(hidden.body, kNotFoundBody) << id;
  }
}

// An erased double answers exactly as a missing one, to its own performer too; their export
// still lists it (what remains of it), with no mesh.
TEST_F(ApiServerTest, AnErasedDoubleAnswersAsAMissingOne) {
  const std::string erased = Json({"performer", "add", "--name", "Performer E"})["id"];
  const Device device = AddPerformerUser(erased);
  const std::string scan = (dir_->path() / "box-person.obj").string();
  const std::string double_id = Json({"scan", "import", scan, "--performer", erased})["id"];
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto session = client.LogIn(device, server.origin());
  ASSERT_TRUE(session);
  const std::string me = "/api/v1/performers/" + erased;
  const std::string mesh = me + "/doubles/" + double_id + "/mesh.glb";
  ASSERT_EQ(client.Send("GET", mesh, session).status, 200);
  Json({"performer", "erase", erased});
  const ApiReply r = client.Send("GET", mesh, session);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, kNotFoundBody);
  const ApiReply exported = client.Send("GET", me + "/export", session);
  ASSERT_EQ(exported.status, 200) << exported.body;
  const json doubles = exported.Json()["doubles"];
  ASSERT_EQ(doubles.size(), 1u) << doubles.dump();
  EXPECT_EQ(doubles[0]["status"], "erased");
  EXPECT_TRUE(doubles[0]["mesh"].is_null()) << doubles.dump();
}

}  // namespace
}  // namespace figurant::testing

namespace figurant::testing {
namespace {

// docs/api.md, "Sign-in codes": an operator's code signs its user in once, before it expires, and
// the session is that user's; the CSRF cookie carries the session's token.
TEST_F(ApiServerTest, ASignInCodeSignsItsUserInOnce) {
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto op = client.LogIn(devices_["operator"], server.origin());
  ASSERT_TRUE(op);
  const std::string path = "/api/v1/users/" + devices_["studio"].user + "/sign-in-code";
  const ApiReply issued = client.Send("POST", path, op, "{}");
  ASSERT_EQ(issued.status, 201) << issued.body;
  const std::string code = issued.Json()["code"];
  EXPECT_EQ(issued.Json()["expires_at"], "2026-06-02T12:00:00Z") << "24 hours from kNow";

  const std::string body = json{{"code", code}}.dump();
  const ApiReply in = client.Send("POST", "/api/v1/login/code", std::nullopt, body);
  ASSERT_EQ(in.status, 200) << in.body;
  EXPECT_EQ(in.Json()["user"], devices_["studio"].user);
  EXPECT_EQ(in.Json()["role"], "studio");
  const std::string cookie = in.headers.at("Set-Cookie");
  const ApiSession session{cookie.substr(0, cookie.find(';')), in.Json()["csrf_token"]};
  EXPECT_EQ(client.Send("GET", "/api/v1/session", session).Json()["user"], devices_["studio"].user);

  const ApiReply again = client.Send("POST", "/api/v1/login/code", std::nullopt, body);
  EXPECT_EQ(again.status, 401) << "a code signs in once: " << again.body;
  const ApiReply typo = client.Send("POST", "/api/v1/login/code", std::nullopt,
                                    R"({"code": "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"})");
  EXPECT_EQ(typo.status, 401);
  EXPECT_EQ(typo.Json()["error"]["message"], again.Json()["error"]["message"])
      << "an unknown code answers exactly as a used one";
  const auto studio = client.LogIn(devices_["studio"], server.origin());
  ASSERT_TRUE(studio);
  EXPECT_EQ(client.Send("POST", path, studio, "{}").status, 404) << "users are the operator's";
}

TEST_F(ApiServerTest, ASignInCodeExpires) {
  const json issued = Json({"user", "sign-in-code", devices_["union"].user, "--hours", "2"});
  ASSERT_TRUE(issued.contains("code")) << issued;
  const std::string body = json{{"code", issued["code"]}}.dump();
  {
    ServeProcess late(bank_, "2026-06-01T14:00:00Z");  // kNow + 2 h: the first second it is not
    ASSERT_TRUE(late.ok()) << late.error();
    EXPECT_EQ(ApiClient(late.port()).Send("POST", "/api/v1/login/code", std::nullopt, body).status,
              401);
  }
  ServeProcess in_time(bank_, "2026-06-01T13:59:59Z");
  ASSERT_TRUE(in_time.ok()) << in_time.error();
  const ApiReply r =
      ApiClient(in_time.port()).Send("POST", "/api/v1/login/code", std::nullopt, body);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["role"], "union");
}

}  // namespace
}  // namespace figurant::testing

namespace figurant::testing {
namespace {

using webauthn::testonly::Authenticator;

std::string B64(const Bytes& b) { return webauthn::testonly::Base64UrlByOpenSsl(b); }
std::string B64(const std::string& s) { return B64(Bytes(s.begin(), s.end())); }
Bytes Unb64(const json& j) { return webauthn::FromBase64Url(j.get<std::string>()).value(); }

// docs/api.md, "Passkeys", over HTTP with a software authenticator: a performer enrols a passkey
// with their code and is logged in, logs in again with it (the challenge used once, the sign count
// advancing), and signs their draft over its consent's challenge; the ledger then re-verifies the
// passkey signature from an export alone.
TEST_F(ApiServerTest, APasskeyEnrolsLogsInAndSignsAConsent) {
  const auto party = MakeParty("P", "SP");
  const std::string code = Json({"performer", "invite", party.at("performer")})["code"];
  ServeProcess server(bank_, kNow, {"--login-burst", "100", "--login-per-minute", "100"});
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const Authenticator device(webauthn::Algorithm::kEs256, 0xC1);
  Authenticator::Options o;
  o.origin = server.origin();
  o.rp_id = "localhost";

  const ApiReply options = client.Send("POST", "/api/v1/enrolment/passkey/options", std::nullopt,
                                       json{{"code", code}}.dump());
  ASSERT_EQ(options.status, 200) << options.body;
  EXPECT_EQ(options.Json()["rp"]["id"], "localhost");
  Authenticator::Options create = Authenticator::RegisterOptions();
  create.origin = o.origin;
  create.rp_id = o.rp_id;
  const webauthn::Registration r = device.Register(Unb64(options.Json()["challenge"]), create);
  const json enrol = {{"code", code},
                      {"challenge", options.Json()["challenge"]},
                      {"credential",
                       {{"id", B64(r.raw_id)},
                        {"public_key", B64(r.public_key_spki)},
                        {"algorithm", r.algorithm},
                        {"authenticator_data", B64(r.authenticator_data)},
                        {"client_data_json", B64(r.client_data_json)}}}};
  const ApiReply enrolled =
      client.Send("POST", "/api/v1/enrolment/passkey", std::nullopt, enrol.dump());
  ASSERT_EQ(enrolled.status, 200) << enrolled.body;
  EXPECT_EQ(enrolled.Json()["subject"], party.at("performer"));
  EXPECT_EQ(client.Send("POST", "/api/v1/enrolment/passkey", std::nullopt, enrol.dump()).status,
            403)
      << "an enrolment challenge is used once";

  auto log_in = [&](uint32_t count) {
    const ApiReply opts = client.Send("POST", "/api/v1/login/passkey/options", std::nullopt, "{}");
    Authenticator::Options get = o;
    get.count = count;
    const webauthn::Assertion a = device.Sign(Unb64(opts.Json()["challenge"]), get);
    return client.Send("POST", "/api/v1/login/passkey", std::nullopt,
                       json{{"challenge", opts.Json()["challenge"]},
                            {"credential_id", B64(a.credential_id)},
                            {"authenticator_data", B64(a.authenticator_data)},
                            {"client_data_json", B64(a.client_data_json)},
                            {"signature", B64(a.signature)}}
                           .dump());
  };
  const ApiReply in = log_in(5);
  ASSERT_EQ(in.status, 200) << in.body;
  EXPECT_EQ(log_in(5).status, 401) << "a sign count that does not advance: a cloned passkey?";
  const std::string cookie = in.headers.at("Set-Cookie");
  const ApiSession session{cookie.substr(0, cookie.find(';')), in.Json()["csrf_token"]};

  const std::string base =
      "/api/v1/performers/" + party.at("performer") + "/licences/" + party.at("licence");
  const ApiReply ask =
      client.Send("POST", base + "/passkey-request", session, R"({"representation": "union"})");
  ASSERT_EQ(ask.status, 200) << ask.body;
  Authenticator::Options get = o;
  get.count = 6;
  const webauthn::Assertion a = device.Sign(Unb64(ask.Json()["challenge"]), get);
  json sign = {{"signed_at", ask.Json()["signed_at"]},
               {"representation", "union"},
               {"credential_id", B64(a.credential_id)},
               {"authenticator_data", B64(a.authenticator_data)},
               {"client_data_json", B64(a.client_data_json)},
               {"signature", B64(a.signature)}};
  json wrong = sign;
  wrong["representation"] = "none";  // another consent message: another challenge
  EXPECT_EQ(client.Send("POST", base + "/sign-passkey", session, wrong.dump()).status, 403);
  const ApiReply signed_reply = client.Send("POST", base + "/sign-passkey", session, sign.dump());
  ASSERT_EQ(signed_reply.status, 200) << signed_reply.body;
  EXPECT_EQ(signed_reply.Json()["state"], "active");
  // The licence keeps the assertion byte for byte, for the performer's own export to re-verify.
  const json proof = signed_reply.Json()["consent"]["passkey"];
  EXPECT_EQ(proof["authenticator_data"], sign["authenticator_data"]) << signed_reply.body;
  EXPECT_EQ(proof["client_data_json"], sign["client_data_json"]);
  EXPECT_EQ(proof["signature"], sign["signature"]);
  // Their export holds the passkey it verifies under, as enrolled.
  const json doc =
      client.Send("GET", "/api/v1/performers/" + party.at("performer") + "/export", session).Json();
  bool has_passkey = false;
  for (const json& k : doc["keys"]) {
    if (!k.contains("passkey")) continue;
    has_passkey = true;
    EXPECT_EQ(k["passkey"]["credential_id"], B64(r.raw_id)) << k.dump();
    EXPECT_EQ(k["passkey"]["spki"], B64(r.public_key_spki));
    EXPECT_EQ(k["passkey"]["origin"], server.origin());
    EXPECT_EQ(k["passkey"]["rp_id"], "localhost");
  }
  EXPECT_TRUE(has_passkey) << doc["keys"].dump();

  const std::string exported = (dir_->path() / "passkey-export.log").string();
  ASSERT_EQ(Run({"ledger", "export", exported}).exit_code, 0);
  const json verified = Json({"ledger", "verify", exported});
  EXPECT_GE(verified["consents"]["passkey_verified"].get<int>(), 1) << verified.dump();
}

// The dashboard's thumbnail: a PNG of the stated size rendered by Figurant's renderer for its
// own performer (the second request answered from the server's memory, byte for byte), and the
// same 404 as a missing double to another performer.
TEST_F(ApiServerTest, TheThumbnailIsThePerformersDoubleAsAPng) {
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto performer = client.LogIn(devices_["performer"], server.origin());
  ASSERT_TRUE(performer);
  const std::string path =
      "/api/v1/performers/" + own_["performer"] + "/doubles/" + own_["double"] + "/thumbnail.png";
  const auto start = std::chrono::steady_clock::now();
  const ApiReply r = client.Send("GET", path, performer);
  const auto ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(r.status, 200) << r.body;
  std::cout << "thumbnail.png of " << own_["double"] << ": " << r.body.size() << " bytes, " << ms
            << " ms (first request, rendered)\n";
  EXPECT_EQ(Header(r, "Content-Type"), "image/png");
  ASSERT_GE(r.body.size(), 24u);
  EXPECT_EQ(r.body.substr(0, 8), "\x89PNG\r\n\x1a\n");
  EXPECT_EQ(r.body.substr(12, 4), "IHDR");
  const auto big_endian32 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = (v << 8) | uint8_t(r.body[at + i]);
    return v;
  };
  EXPECT_EQ(big_endian32(16), 96u) << "width";
  EXPECT_EQ(big_endian32(20), 128u) << "height";
  EXPECT_EQ(client.Send("GET", path, performer).body, r.body);

  const auto other = client.LogIn(other_performer_, server.origin());
  ASSERT_TRUE(other);
  const std::string as_other =
      "/api/v1/performers/" + other_["performer"] + "/doubles/" + own_["double"] + "/thumbnail.png";
  for (const std::string& p : {path, as_other}) {
    const ApiReply hidden = client.Send("GET", p, other);
    EXPECT_EQ(hidden.status, 404) << p;
  }
}

// An appearance crop is its performer's alone: the bytes the bank keeps, to them; to anyone
// else, and for an id that does not exist, the same 404.
TEST_F(ApiServerTest, AnAppearanceCropIsShownToItsPerformerAlone) {
  ServeProcess server(bank_, kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto performer = client.LogIn(devices_["performer"], server.origin());
  const auto other = client.LogIn(other_performer_, server.origin());
  const auto studio = client.LogIn(devices_["studio"], server.origin());
  ASSERT_TRUE(performer && other && studio);
  const std::string path = "/api/v1/performers/" + own_["performer"] + "/crops/" + own_["crop"];
  const ApiReply r = client.Send("GET", path, performer);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Header(r, "Content-Type"), "image/png");
  EXPECT_EQ(r.body, kCropBytes + own_["performer"]);
  const std::string others_crop_as_other =
      "/api/v1/performers/" + other_["performer"] + "/crops/" + own_["crop"];
  const std::string others_crop_as_me =
      "/api/v1/performers/" + own_["performer"] + "/crops/" + other_["crop"];
  const std::string missing =
      "/api/v1/performers/" + own_["performer"] + "/crops/crp_0000000000000000";
  for (const auto& [p, session] : std::vector<std::pair<std::string, std::optional<ApiSession>>>{
           {path, other},
           {others_crop_as_other, other},
           {others_crop_as_me, performer},
           {missing, performer},
           {path, studio}}) {
    const ApiReply hidden = client.Send("GET", p, session);
    EXPECT_EQ(hidden.status, 404) << p;
    EXPECT_EQ(hidden.body, kNotFoundBody) << p;
  }
}

}  // namespace
}  // namespace figurant::testing
