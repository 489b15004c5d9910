// The performer's pages end to end (docs/portal.md, "Pages"): the real `figurant serve` on a
// loopback port, a performer logged in with a sign-in code, each page fetched over HTTP and
// checked against what the API answers for the same session.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "api_harness.h"
#include "cli_device.h"
#include "cli_harness.h"
#include "render/internal/png_decode_for_test.h"
#include "render_bank.h"

namespace figurant::testing {
namespace {

using nlohmann::json;

constexpr const char* kNow = "2026-06-01T12:00:00Z";

// A session started with the sign-in code `code`, as the log-in page does; nullopt (and a test
// failure) when refused.
std::optional<ApiSession> LogInWithCode(const ApiClient& client, const std::string& code) {
  ApiReply refused;
  auto session = client.LogInWithCode(code, &refused);
  EXPECT_TRUE(session.has_value()) << refused.status << " " << refused.body;
  return session;
}

// A bank with a French performer A and an English performer B, one studio whose name needs
// escaping, and for A a draft (the offer), a second draft to decline and a signed licence; for B
// a draft. Each performer has a portal user.
class PortalPerformerTest : public ::testing::Test {
 protected:
  // The first test to run makes the shared bank, so that a failure to make it fails that test
  // (a failure in SetUpTestSuite would only skip the tests) and every later one.
  void SetUp() override {
    static const bool kReady = [] {
      Prepare();
      return !HasFailure();
    }();
    ASSERT_TRUE(kReady) << "the shared bank could not be made: see the first test's failures";
  }
  static void Prepare() {
    dir_ = std::make_unique<TempDir>("portal-performer");
    bank_ = (dir_->path() / "bank").string();
    ASSERT_EQ(Run({"init"}).exit_code, 0);
    a_ = Json({"performer", "add", "--name", "Camille A", "--language", "fr"})["id"];
    b_ = Json({"performer", "add", "--name", "Blake B", "--language", "en"})["id"];
    const std::string key = (dir_->path() / "studio.key").string();
    Json({"key", "new", "--out", key}, WithPartyPassphrase());
    studio_ = Json({"studio", "add", "--name", "Studio <S> & \"Co\"", "--public-key-file",
                    key + ".pub"})["id"];
    production_ =
        Json({"production", "add", "--studio", studio_, "--title", "Film S", "--media", "streaming",
              "--territories", "FR", "--content", "violence", "--fps", "24", "--studio-key", key},
             WithPartyPassphrase())["id"];
    offer_ = Draft(a_);
    to_decline_ = Draft(a_);
    signed_ = Draft(a_);
    others_ = Draft(b_);
    std::unique_ptr<CliDevice> device;
    SignOnDeviceOf(
        device, dir_->path() / "device", [] { return bank_; }, {{"FIGURANT_NOW", kNow}}, a_,
        signed_);
    ASSERT_EQ(device->Enrol(b_).exit_code, 0);
    user_a_ = AddUser(a_, *device);
    user_b_ = AddUser(b_, *device);
    server_ = std::make_unique<ServeProcess>(bank_, kNow);
    ASSERT_TRUE(server_->ok()) << server_->error();
  }
  static void TearDownTestSuite() {
    server_.reset();
    dir_.reset();
  }

  static RunResult Run(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), {"--bank", bank_});
    env["FIGURANT_NOW"] = kNow;
    return RunFigurant(args, env);
  }
  static json Json(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), "--json");
    const RunResult r = Run(args, std::move(env));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }
  static std::string Draft(const std::string& performer) {
    const auto path = dir_->path() / ("terms-" + std::to_string(++drafts_) + ".json");
    std::ofstream(path) << R"({"productions": [")" << production_
                        << R"("], "uses": ["background"], "media": ["streaming"],
      "territories": ["worldwide"], "valid_from": "2026-01-01", "valid_until": "2027-12-31",
      "max_screen_height_fraction": 0.2, "compensation": {"currency": "EUR", "scan_fee": 180.5,
      "per_production_fee": 180.0}, "revocable": true, "revocation_notice_days": 30})";
    return Json({"licence", "draft", "--performer", performer, "--studio", studio_, "--terms",
                 path.string()})["id"];
  }
  // A portal user for `performer`, with the key their device enrolled (a performer logs in
  // with it).
  static std::string AddUser(const std::string& performer, const CliDevice& device) {
    const std::string key = device.KeyFile(performer, "performer").string() + ".pub";
    return Json({"user", "add", "--role", "performer", "--performer", performer,
                 "--public-key-file", key})["id"];
  }

  // A session for `user` on the suite's server, with a sign-in code an operator issued.
  static std::optional<ApiSession> LogIn(const std::string& user) {
    return LogInWithCode(Client(), Json({"user", "sign-in-code", user})["code"]);
  }
  static ApiClient Client() { return ApiClient(server_->port()); }

  static inline int drafts_ = 0;
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<ServeProcess> server_;
  static inline std::string bank_, a_, b_, studio_, production_, offer_, to_decline_, signed_,
      others_, user_a_, user_b_;
};

std::string Api(const std::string& performer, const std::string& rest) {
  return "/api/v1/performers/" + performer + rest;
}

// An amount of the API's JSON as the page shows it: two decimals, the language's separator, a
// no-break space and the currency.
std::string Shown(double amount, const std::string& currency, bool french) {
  char text[64];
  std::snprintf(text, sizeof text, "%.2f", amount);
  std::string out = text;
  if (french) out[out.find('.')] = ',';
  return out + "\u00a0" + currency;
}

// The statement's totals, each as the page shows it; fails the test when the API has none.
std::vector<std::string> Totals(const json& statement, bool french) {
  std::vector<std::string> out;
  for (const auto& [currency, amount] : statement["total"].items()) {
    out.push_back(Shown(amount.get<double>(), currency, french));
  }
  EXPECT_FALSE(out.empty()) << statement.dump();
  return out;
}

TEST_F(PortalPerformerTest, TheOfferPageShowsTheExactDisclosureInTheFrenchPerformersLanguage) {
  const ApiClient client = Client();
  const auto session = LogIn(user_a_);
  ASSERT_TRUE(session);
  const json licence = client.Send("GET", Api(a_, "/licences/" + offer_), session).Json();
  const std::string disclosure = licence["disclosure"];
  ASSERT_NE(disclosure.find("Studio <S>"), std::string::npos) << "the studio is named raw";

  const ApiReply page = client.Send("GET", "/me/offers/" + offer_, session);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_NE(
      page.body.find("<div class=\"disclosure\" lang=\"fr\">" + HtmlEscaped(disclosure) + "</div>"),
      std::string::npos)
      << "the disclosure verbatim, escaped:\n"
      << page.body;
  EXPECT_EQ(page.body.find("Studio <S>"), std::string::npos) << "never unescaped";
  EXPECT_NE(page.body.find("Une offre pour votre doublure"), std::string::npos);
  EXPECT_NE(page.body.find("Signer avec ma clé d’accès"), std::string::npos);
  EXPECT_NE(page.body.find("data-passkey-sign data-licence=\"" + offer_ + "\""), std::string::npos);
  EXPECT_NE(page.body.find("180,50\u00a0EUR"), std::string::npos) << "French numbers";
  EXPECT_NE(page.body.find("au plus tôt le 2026-07-01"), std::string::npos)
      << "kNow plus 30 days' notice";
  EXPECT_NE(page.body.find("/api/v1/performers/" + a_ + "/licences/" + offer_ + "/decline"),
            std::string::npos);

  const ApiReply english = client.Send("GET", "/me/offers/" + offer_ + "?lang=en", session);
  EXPECT_NE(english.body.find("An offer for your double"), std::string::npos);
  EXPECT_NE(english.body.find("<div class=\"disclosure\" lang=\"fr\">"), std::string::npos)
      << "the disclosure stays in the licence's language";
}

TEST_F(PortalPerformerTest, AnotherPerformersLicenceIsTheGenericNotFoundPage) {
  const ApiClient client = Client();
  const auto session = LogIn(user_a_);
  ASSERT_TRUE(session);
  const ApiReply missing = client.Send("GET", "/me/offers/lic_0000000000000000", session);
  for (const std::string& path : {"/me/offers/" + others_, "/me/licences/" + others_}) {
    const ApiReply other = client.Send("GET", path + "?lang=en", session);
    EXPECT_EQ(other.status, 404) << path;
    EXPECT_NE(other.body.find("There is nothing here, or it is not yours to see."),
              std::string::npos)
        << other.body;
    EXPECT_EQ(other.body.find(others_), std::string::npos);
  }
  EXPECT_EQ(missing.status, 404);
}

TEST_F(PortalPerformerTest, WithoutASessionAPageSendsTheBrowserToLogIn) {
  const ApiClient client = Client();
  const std::vector<std::string> pages = {"/me/offers/" + offer_, "/me/licences/" + signed_,
                                          "/me/appearances", "/me/statement", "/me/data"};
  for (const std::string& path : pages) {
    const ApiReply r = client.Send("GET", path);
    EXPECT_EQ(r.status, 303) << path;
    const auto location = r.headers.find("Location");
    ASSERT_NE(location, r.headers.end()) << path;
    EXPECT_EQ(location->second.rfind("/login?next=", 0), 0u) << location->second;
  }
}

TEST_F(PortalPerformerTest, ADeclinedOfferLeavesTheHomePage) {
  const ApiClient client = Client();
  const auto session = LogIn(user_a_);
  ASSERT_TRUE(session);
  const std::string link = "href=\"/me/offers/" + to_decline_ + "\"";
  const ApiReply home = client.Send("GET", "/me", session);
  ASSERT_NE(home.body.find(link), std::string::npos);
  EXPECT_NE(home.body.find("2026-06-01</span>"), std::string::npos) << "the day it was offered";

  const ApiReply declined = client.Send("POST", Api(a_, "/licences/" + to_decline_ + "/decline"),
                                        session, R"({"reason": "Pas <cette> fois"})");
  ASSERT_EQ(declined.status, 200) << declined.body;
  EXPECT_EQ(client.Send("GET", "/me", session).body.find(link), std::string::npos);
  const ApiReply page = client.Send("GET", "/me/offers/" + to_decline_, session);
  EXPECT_NE(page.body.find("Vous avez refusé cette offre le 2026-06-01."), std::string::npos);
  EXPECT_NE(page.body.find("Pas &lt;cette&gt; fois"), std::string::npos);
  EXPECT_EQ(page.body.find("data-passkey-sign"), std::string::npos) << "nothing left to sign";
}

TEST_F(PortalPerformerTest, TheStatementPageShowsTheApisTotalsAndLinksItsCsv) {
  const ApiClient client = Client();
  const auto session = LogIn(user_a_);
  ASSERT_TRUE(session);
  const json statement = client.Send("GET", Api(a_, "/statement"), session).Json();
  const ApiReply page = client.Send("GET", "/me/statement", session);
  ASSERT_EQ(page.status, 200) << page.body;
  for (const std::string& total : Totals(statement, true)) {
    EXPECT_NE(page.body.find("<strong>" + total + "</strong>"), std::string::npos) << total << "\n"
                                                                                   << page.body;
  }
  EXPECT_NE(page.body.find("href=\"" + Api(a_, "/statement.csv") + "\" download=\"statement.csv\""),
            std::string::npos);
  EXPECT_NE(page.body.find("Ce qui vous est dû"), std::string::npos);
}

TEST_F(PortalPerformerTest, TheLicencePageExplainsTheNoticeAndOffersRevokeAndSuspension) {
  const ApiClient client = Client();
  const auto session = LogIn(user_a_);
  ASSERT_TRUE(session);
  const ApiReply page = client.Send("GET", "/me/licences/" + signed_ + "?lang=en", session);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("ends after a notice of 30 days"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("min=\"2026-07-01\""), std::string::npos) << "kNow + 30 days";
  EXPECT_NE(page.body.find(Api(a_, "/licences/" + signed_ + "/revoke")), std::string::npos);
  EXPECT_NE(page.body.find("data-suspension-request=\"true\""), std::string::npos);
  EXPECT_NE(page.body.find("nobody (you signed alone)"), std::string::npos);
  const ApiReply offer = client.Send("GET", "/me/offers/" + signed_, session);
  EXPECT_EQ(offer.status, 303) << "a signed licence is not an offer";
}

TEST_F(PortalPerformerTest, TheDataPageLinksTheExportAndAsksBeforeTheErasureRequest) {
  const ApiClient client = Client();
  const auto session = LogIn(user_b_);
  ASSERT_TRUE(session);
  const ApiReply page = client.Send("GET", "/me/data", session);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("<html lang=\"en\">"), std::string::npos) << "B's own language";
  EXPECT_NE(page.body.find("href=\"" + Api(b_, "/export") + "\" download="), std::string::npos);
  EXPECT_NE(page.body.find("data-api=\"" + Api(b_, "/erasure-request") + "\""), std::string::npos);
  EXPECT_NE(page.body.find("type=\"checkbox\" required"), std::string::npos)
      << "the performer ticks the box before the button sends anything";
  EXPECT_NE(page.body.find("What the ledger keeps"), std::string::npos);
  EXPECT_EQ(client.Send("GET", Api(b_, "/export"), session).status, 200);
}

// A performer whose double was rendered: their appearances and statement lines are the API's.
TEST(PortalPerformerRenderTest, AppearancesAndStatementShowWhatTheLedgerCounted) {
  TempDir dir("portal-performer-render");
  RenderBank bank(dir.path());
  const std::string double_id = bank.AddDouble("Ana", 0.9);
  const std::string performer = bank.PerformerOf(double_id);
  const auto scene = dir.path() / "sh010.json";
  std::ofstream(scene) << bank.Scene("sh010", "out/sh010.####.exr",
                                     json::array({RenderBank::Agent(double_id, "ana")}), 2)
                              .dump();
  const RunResult rendered = bank.Run({"render", scene.string(), "--quiet"});
  ASSERT_EQ(rendered.exit_code, 0) << rendered.err;
  // The user logs in with the key the performer's device enrolled (render_bank's device folder).
  const CliDevice device(dir.path() / "device", nullptr);
  const std::string user = bank.Json(
      {"user", "add", "--role", "performer", "--performer", performer, "--public-key-file",
       device.KeyFile(performer, "performer").string() + ".pub"})["id"];
  const json code = bank.Json({"user", "sign-in-code", user});

  ServeProcess server(bank.bank(), kNow);
  ASSERT_TRUE(server.ok()) << server.error();
  ApiClient client(server.port());
  const auto signed_in = LogInWithCode(client, code["code"]);
  ASSERT_TRUE(signed_in);
  const ApiSession session = *signed_in;

  const json appearances = client.Send("GET", Api(performer, "/appearances"), session).Json();
  ASSERT_EQ(appearances["appearances"].size(), 1u) << appearances.dump();
  const json& shot = appearances["appearances"][0];
  const ApiReply shown = client.Send("GET", "/me/appearances?lang=en", session);
  ASSERT_EQ(shown.status, 200) << shown.body;
  const std::string range = std::to_string(shot["frames"][0][0].get<int>()) + "\u2013" +
                            std::to_string(shot["frames"][0][1].get<int>());
  EXPECT_NE(shown.body.find("<td>" + range + "</td>"), std::string::npos) << shown.body;
  EXPECT_NE(shown.body.find("<td>" + shot["shot"].get<std::string>() + "</td>"), std::string::npos);
  EXPECT_NE(shown.body.find("class=\"table-scroll\""), std::string::npos);
  // The production by the title its studio registered, its id beneath (as the CSV names it).
  EXPECT_EQ(shot["production_title"], "Market");
  EXPECT_NE(shown.body.find("<td>Market<br><small>" + shot["production"].get<std::string>() +
                            "</small></td>"),
            std::string::npos)
      << shown.body;

  // The shot's appearance crop: on the page, and a picture of the performer alone — opaque where
  // they are, transparent around them (no set, no background, no one else).
  ASSERT_TRUE(shot["crop"].is_object()) << shot.dump();
  const std::string url = shot["crop"]["url"];
  EXPECT_NE(shown.body.find("<img src=\"" + url + "\" alt=\"You in shot sh010, frame "),
            std::string::npos)
      << shown.body;
  const ApiReply crop = client.Send("GET", url, session);
  ASSERT_EQ(crop.status, 200) << crop.body;
  const auto image = render::internal::DecodePngForTest(crop.body);
  ASSERT_EQ(image.error, "");
  EXPECT_EQ(image.width, shot["crop"]["width"].get<uint32_t>());
  EXPECT_EQ(image.height, shot["crop"]["height"].get<uint32_t>());
  size_t opaque = 0, transparent = 0;
  for (size_t i = 3; i < image.rgba.size(); i += 4) {
    opaque += image.rgba[i] == 255;
    transparent += image.rgba[i] == 0;
  }
  EXPECT_GT(opaque, image.rgba.size() / 4 / 10) << "the performer fills part of the crop";
  EXPECT_GT(transparent, image.rgba.size() / 4 / 10) << "the ground and sky are cut away";
  EXPECT_EQ(image.rgba[3], 0) << "a corner is outside the performer";

  const json statement = client.Send("GET", Api(performer, "/statement"), session).Json();
  ASSERT_EQ(statement["productions"].size(), 1u) << statement.dump();
  const json& line = statement["productions"][0];
  const ApiReply page = client.Send("GET", "/me/statement?lang=en", session);
  EXPECT_EQ(line["production_title"], "Market");
  EXPECT_NE(page.body.find("<td>Market<br><small>"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find(Shown(line["amount"].get<double>(), line["currency"], false)),
            std::string::npos)
      << page.body;
  for (const std::string& total : Totals(statement, false)) {
    EXPECT_NE(page.body.find("<strong>" + total + "</strong>"), std::string::npos) << total;
  }
  EXPECT_GT(line["amount"].get<double>(), 0) << "2 EUR per screen-second";
}

}  // namespace
}  // namespace figurant::testing
