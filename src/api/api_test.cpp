// The API's parts on their own: the route table against docs/openapi.json, request bodies, log-in
// challenges, the log-in message bytes and rate limits. The server end to end is tested in
// tests/api_server_test.cpp.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "api/body.h"
#include "api/login.h"
#include "api/rate_limit.h"
#include "api/routes.h"
#include "api/server.h"
#include "api/session.h"
#include "registry/users.h"

namespace figurant::api {
namespace {

using nlohmann::json;

std::set<std::string> OpenApiOperations(const json& doc) {
  std::set<std::string> out;
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters") continue;
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out.insert(upper + " " + path);
    }
  }
  return out;
}

json LoadOpenApi() {
  std::ifstream in(std::string(FIGURANT_SOURCE_DIR) + "/docs/openapi.json");
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

TEST(RouteTable, OpenApiDocumentListsExactlyTheServersRoutes) {
  const json doc = LoadOpenApi();
  EXPECT_EQ(doc.at("openapi").get<std::string>().rfind("3.1", 0), 0u);
  const std::set<std::string> documented = OpenApiOperations(doc);
  std::set<std::string> served;
  for (const Route& r : Routes()) {
    served.insert(std::string(MethodName(r.method)) + " " + std::string(r.path));
  }
  for (const std::string& op : served) {
    EXPECT_TRUE(documented.contains(op)) << op << " is served but not in docs/openapi.json";
  }
  for (const std::string& op : documented) {
    EXPECT_TRUE(served.contains(op)) << op << " is in docs/openapi.json but not served";
  }
}

TEST(RouteTable, OpenApiStatesEachRoutesRolesAndParameters) {
  const json doc = LoadOpenApi();
  for (const Route& r : Routes()) {
    std::string method(MethodName(r.method));
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const json& op = doc["paths"][std::string(r.path)][method];
    std::set<std::string> roles;
    for (const auto& role : r.roles) roles.insert(std::string(registry::UserRoleName(role)));
    std::set<std::string> documented_roles;
    for (const auto& role : op.value("x-roles", json::array())) documented_roles.insert(role);
    EXPECT_EQ(roles, documented_roles) << r.path << ": x-roles";
    std::set<std::string> params;
    for (const auto& p : op.value("parameters", json::array())) {
      if (p.value("in", "") == "path") params.insert(p.value("name", ""));
    }
    const auto names = PathParams(r.path);
    EXPECT_EQ(params, std::set<std::string>(names.begin(), names.end())) << r.path;
  }
}

TEST(RouteTable, EveryParameterHasAnOwnershipRule) {
  EXPECT_TRUE(CheckRouteTable(Routes()).ok()) << CheckRouteTable(Routes()).message();
  const std::vector<Route> bad = {{Method::kGet, "/api/v1/scenes/{scene}", {}, "", nullptr}};
  const Status s = CheckRouteTable(bad);
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_NE(s.message().find("{scene}"), std::string::npos) << s.message();
}

TEST(RouteTable, PathRegexCapturesEachParameter) {
  EXPECT_EQ(PathRegex("/api/v1/performers/{performer}/statement.csv"),
            "/api/v1/performers/([^/]+)/statement\\.csv");
  EXPECT_EQ(PathParams("/a/{x}/b/{y}"), (std::vector<std::string>{"x", "y"}));
}

TEST(Serve, OnlyLoopbackAddressesGoWithoutTls) {
  for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "localhost"}) {
    EXPECT_TRUE(IsLoopback(host)) << host;
  }
  for (const char* host : {"0.0.0.0", "10.0.0.1", "::", "127.evil.example", "128.0.0.1", ""}) {
    EXPECT_FALSE(IsLoopback(host)) << host;
  }
}

TEST(Body, MalformedJsonNamesWhereItBroke) {
  auto r = ParseBody(R"({"name": "a", "terms": {"uses": [1,}})");
  ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(r.status().message()), "terms.uses[1]") << r.status().message();
}

TEST(Body, OversizedBodyNamesTheLimit) {
  const std::string big = "{\"note\": \"" + std::string(kMaxBodyBytes, 'x') + "\"}";
  auto r = ParseBody(big);
  ASSERT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("65536 bytes"), std::string::npos) << r.status().message();
}

TEST(Body, NotAnObjectIsRefused) {
  for (const char* body : {"[]", "3", "\"x\"", "null", "{\"a\":1}{"}) {
    EXPECT_EQ(ParseBody(body).status().code(), StatusCode::kInvalidArgument) << body;
  }
  EXPECT_TRUE(ParseBody("").ok());
  EXPECT_TRUE(ParseBody(" \n").ok());
}

TEST(Body, WrongTypeMissingAndUnknownFieldsAreNamed) {
  const json body = {{"name", 5}, {"colour", "blue"}};
  BodyFields f(body);
  auto name = f.RequiredString("name");
  EXPECT_EQ(FieldOf(name.status().message()), "name") << name.status().message();
  auto email = f.RequiredString("email");
  EXPECT_EQ(FieldOf(email.status().message()), "email");
  const Status rest = f.Finish();
  EXPECT_EQ(FieldOf(rest.message()), "colour") << rest.message();
  BodyFields g(json{{"signature", "zz"}});
  EXPECT_EQ(FieldOf(g.RequiredHex("signature", 64).status().message()), "signature");
}

TEST(Body, ErrorJsonCarriesTheField) {
  const json e = ErrorJson("INVALID_ARGUMENT", "request body: field 'terms.uses': bad");
  EXPECT_EQ(e["error"]["field"], "terms.uses");
  EXPECT_TRUE(ErrorJson("NOT_FOUND", "no such resource")["error"]["field"].is_null());
}

TEST(Login, MessageBytesAreTheDocumentedTestVector) {
  EXPECT_EQ(LoginMessage(std::string(64, 'a'), "usr_0123456789abcdef", "https://bank.example"),
            "figurant-login-v1\nchallenge:" + std::string(64, 'a') +
                "\nuser:usr_0123456789abcdef\norigin:https://bank.example\n");
  EXPECT_EQ(
      LoginMessage(std::string(64, 'a'), "usr_0123456789abcdef", "https://bank.example").size(),
      147u);
}

TEST(Login, ChallengeIsSingleUseForOneUserWithinTwoMinutes) {
  ASSERT_TRUE(InitCrypto().ok());
  FixedClock clock(1'800'000'000);
  ChallengeStore store(clock);
  const Challenge a = store.Issue("usr_a");
  EXPECT_EQ(a.hex.size(), 2 * kChallengeBytes);
  EXPECT_EQ(a.expires_at, clock.Now() + kChallengeLifetimeS);
  EXPECT_TRUE(store.Take(a.hex, "usr_a").ok());
  EXPECT_EQ(store.Take(a.hex, "usr_a").code(), StatusCode::kUnauthenticated) << "used twice";

  const Challenge b = store.Issue("usr_a");
  EXPECT_EQ(store.Take(b.hex, "usr_b").code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(store.Take(b.hex, "usr_a").code(), StatusCode::kUnauthenticated)
      << "a challenge shown for the wrong user is used up";

  const Challenge c = store.Issue("usr_a");
  clock.Advance(kChallengeLifetimeS);
  const Challenge d = store.Issue("usr_a");
  EXPECT_TRUE(store.Take(c.hex, "usr_a").ok()) << "valid up to its last second";
  clock.Advance(kChallengeLifetimeS + 1);
  EXPECT_EQ(store.Take(d.hex, "usr_a").code(), StatusCode::kUnauthenticated) << "expired";
}

TEST(RateLimit, BurstThenRetryAfterThenRefill) {
  FixedClock clock(1'800'000'000);
  RateLimiter limiter(clock, {3, 6});  // 3 at once, one more every 10 s
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.Take("addr:1")) << i;
  EXPECT_EQ(limiter.Take("addr:1"), 10);
  EXPECT_FALSE(limiter.Take("addr:2")) << "keys are independent";
  clock.Advance(9);
  EXPECT_EQ(limiter.Take("addr:1"), 1);
  clock.Advance(1);
  EXPECT_FALSE(limiter.Take("addr:1"));
  EXPECT_TRUE(limiter.Take("addr:1").has_value());
}

// A real registry file in a fresh directory, with one operator user.
class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    std::string dir = (std::filesystem::temp_directory_path() / "api-session-XXXXXX").string();
    ASSERT_NE(::mkdtemp(dir.data()), nullptr);
    dir_ = dir;
    auto r = registry::Registry::Open(dir_ / "figurant.db", true, clock_);
    ASSERT_TRUE(r.ok()) << r.status().message();
    registry_ = std::move(r).value();
    const SigningKeyPair key = GenerateSigningKeyPair();
    auto user = AddUser(*registry_, clock_, {registry::UserRole::kOperator, "", key.public_key});
    ASSERT_TRUE(user.ok()) << user.status().message();
    who_ = {user->id, user->role, ""};
  }
  void TearDown() override {
    registry_.reset();
    std::filesystem::remove_all(dir_);
  }
  Status Resume(const NewSession& s) {
    return ResumeSession(*registry_, clock_, policy_,
                         "a=b; " + std::string(kSessionCookie) + "=" + s.token + "; c=d")
        .status();
  }

  std::filesystem::path dir_;
  FixedClock clock_{1'800'000'000};
  SessionPolicy policy_;
  std::unique_ptr<registry::Registry> registry_;
  Principal who_;
};

TEST_F(SessionTest, EndsAfterTwelveIdleHours) {
  auto s = StartSession(*registry_, clock_, policy_, who_);
  ASSERT_TRUE(s.ok());
  clock_.Advance(policy_.idle_seconds);
  EXPECT_TRUE(Resume(*s).ok()) << "valid up to its last idle second";
  clock_.Advance(policy_.idle_seconds + 1);
  EXPECT_EQ(Resume(*s).code(), StatusCode::kUnauthenticated);
  clock_.Advance(-policy_.idle_seconds);
  EXPECT_EQ(Resume(*s).code(), StatusCode::kUnauthenticated) << "an expired session is deleted";
}

TEST_F(SessionTest, EndsSevenDaysAfterLogInHoweverActive) {
  auto s = StartSession(*registry_, clock_, policy_, who_);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->expires_at, clock_.Now() + policy_.absolute_seconds);
  const int64_t step = policy_.idle_seconds - 3600;  // seen every 11 hours
  int64_t elapsed = 0;
  while (elapsed + step <= policy_.absolute_seconds) {
    clock_.Advance(step);
    elapsed += step;
    ASSERT_TRUE(Resume(*s).ok()) << elapsed << " s after log-in";
  }
  clock_.Advance(policy_.absolute_seconds - elapsed + 1);
  EXPECT_EQ(Resume(*s).code(), StatusCode::kUnauthenticated);
}

TEST_F(SessionTest, OnlyHashesAreStoredAndCsrfMustMatch) {
  auto s = StartSession(*registry_, clock_, policy_, who_);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->token.size(), 2 * kTokenBytes);
  auto by_token = registry::GetSession(*registry_, s->token);
  ASSERT_TRUE(by_token.ok());
  EXPECT_FALSE(*by_token) << "the token itself is never a key";
  auto stored = registry::GetSession(*registry_, Sha256Hex(s->token));
  ASSERT_TRUE(stored.ok() && *stored);
  EXPECT_EQ((*stored)->csrf_sha256, Sha256Hex(s->csrf_token));

  auto active =
      ResumeSession(*registry_, clock_, policy_, std::string(kSessionCookie) + "=" + s->token);
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(active->principal.user_id, who_.user_id);
  EXPECT_TRUE(CsrfMatches(*active, s->csrf_token));
  EXPECT_FALSE(CsrfMatches(*active, ""));
  EXPECT_FALSE(CsrfMatches(*active, s->token));
  for (const std::string& cookie :
       {std::string(), std::string(kSessionCookie) + "=" + std::string(64, 'g'),
        std::string(kSessionCookie) + "=" + s->token.substr(1),
        "x" + std::string(kSessionCookie) + "=" + s->token}) {
    EXPECT_EQ(ResumeSession(*registry_, clock_, policy_, cookie).status().code(),
              StatusCode::kUnauthenticated)
        << cookie;
  }
}

}  // namespace
}  // namespace figurant::api
