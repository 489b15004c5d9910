// The studio's and the operator's portal pages end to end (docs/portal.md, "Pages"): the real
// `figurant serve` on a bank where a render used a double, its pages fetched over HTTP as a
// browser would after logging in with a sign-in code, and what they show compared with what the
// API answers the same session — never with numbers written here.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>

#include "api_harness.h"
#include "cli_harness.h"
#include "core/crypto.h"
#include "render_bank.h"

namespace figurant::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kNow = "2026-06-01T12:00:00Z";  // render_bank's pinned clock
const char* const kRefusal = "Not <script>this</script> one";

// A bank where studio S's production was rendered with performer Ana's double, the French
// performer Élise declined S's offer with a reason, and another studio T has a production of its
// own; a studio user for S and an operator user.
class PortalStudioTest : public ::testing::Test {
 protected:
  // The bank is made once, by the first test, so that a failure to make it fails that test (and
  // every later one, by `ready`); then each test has its own server and a studio session.
  void SetUp() override {
    static const bool ready = [this] {
      Prepare();
      return !HasFailure();
    }();
    ASSERT_TRUE(ready) << "the shared bank could not be made: see the first test's failures";
    server_ = std::make_unique<ServeProcess>(bank_->bank(), kNow);
    ASSERT_TRUE(server_->ok()) << server_->error();
    client_ = std::make_unique<ApiClient>(server_->port());
    studio_session_ = SignIn(*client_, studio_user_);
  }
  static void TearDownTestSuite() {
    bank_.reset();
    dir_.reset();
  }

  static void Prepare() {
    ASSERT_TRUE(InitCrypto().ok());
    dir_ = std::make_unique<TempDir>("portal-studio");
    bank_ = std::make_unique<RenderBank>(dir_->path());
    const std::string dbl = bank_->AddDouble("ana", 0.6);
    ana_ = bank_->PerformerOf(dbl);
    Render(dbl);
    const json studios = Json({"studio", "list"});
    for (const json& s : studios["studios"]) studio_ = s["id"];  // the only one
    elise_ = Json({"performer", "add", "--name", "Élise", "--language", "fr"})["id"];
    other_production_ = OtherStudiosProduction();
    const std::string declined = Json({"licence", "draft", "--performer", elise_, "--studio",
                                       studio_, "--terms", TermsFile("declined")})["id"];
    studio_user_ = AddUser({"--role", "studio", "--studio", studio_});
    operator_user_ = AddUser({"--role", "operator"});
    const std::string elise_user = EnrolledUser(elise_);
    ServeProcess server(bank_->bank(), kNow);
    ASSERT_TRUE(server.ok()) << server.error();
    ApiClient client(server.port());
    const ApiReply no =
        client.Send("POST", "/api/v1/performers/" + elise_ + "/licences/" + declined + "/decline",
                    SignIn(client, elise_user), json{{"reason", kRefusal}}.dump());
    ASSERT_EQ(no.status, 200) << no.body;
  }

  static json Json(const std::vector<std::string>& args) {
    std::vector<std::string> with = {"--json"};
    with.insert(with.end(), args.begin(), args.end());
    const RunResult r = bank_->Run(with);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }

  // One frame of the production with the double in it: usage in the ledger.
  static void Render(const std::string& dbl) {
    const fs::path scene = dir_->path() / "scene.json";
    std::ofstream(scene) << bank_
                                ->Scene("sh010", "out/sh010.####.exr",
                                        json::array({RenderBank::Agent(dbl, "ana")}))
                                .dump();
    const RunResult r = bank_->Run({"render", scene.string(), "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  static std::string TermsFile(const std::string& name) {
    const fs::path path = dir_->path() / ("terms-" + name + ".json");
    std::ofstream(path) << Terms(bank_->production()).dump();
    return path.string();
  }

  static json Terms(const std::string& production) {
    return {{"productions", {production}},
            {"uses", {"background"}},
            {"media", {"streaming"}},
            {"territories", {"worldwide"}},
            {"valid_from", "2026-07-01"},
            {"valid_until", "2027-06-30"},
            {"max_screen_height_fraction", 0.25},
            {"compensation", {{"currency", "EUR"}, {"scan_fee", 150.0}}},
            {"revocable", true},
            {"revocation_notice_days", 14}};
  }

  static std::string OtherStudiosProduction() {
    const std::string key = (dir_->path() / "t.key").string();
    EXPECT_EQ(bank_->Run({"key", "new", "--out", key}, WithPartyPassphrase()).exit_code, 0);
    const std::string studio =
        Json({"studio", "add", "--name", "T", "--public-key-file", key + ".pub"})["id"];
    const RunResult r = bank_->Run(
        {"--json", "production", "add", "--studio", studio, "--title", "Elsewhere", "--media",
         "streaming", "--territories", "FR", "--fps", "24", "--studio-key", key},
        WithPartyPassphrase());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false).value("id", "");
  }

  static std::string AddUser(std::vector<std::string> args) {
    args.insert(args.begin(), {"user", "add", "--public-key", ToHex(NewDevice().key.public_key)});
    return Json(args)["id"];
  }

  // A performer's user: a key enrolled with a one-time code (a performer logs in with the key
  // they enrolled), then a user for it.
  static std::string EnrolledUser(const std::string& performer) {
    const std::string key = ToHex(NewDevice().key.public_key);
    const std::string code = Json({"performer", "invite", performer})["code"];
    Json({"performer", "enrol", "--code", code, "--public-key", key});
    return Json({"user", "add", "--role", "performer", "--performer", performer, "--public-key",
                 key})["id"];
  }

  // A session for `user`, as /login starts one: a sign-in code the operator issued, typed in.
  static ApiSession SignIn(const ApiClient& client, const std::string& user) {
    const std::string code = Json({"user", "sign-in-code", user})["code"];
    ApiReply refused;
    const auto session = client.LogInWithCode(code, &refused);
    EXPECT_TRUE(session.has_value()) << refused.status << " " << refused.body;
    return session.value_or(ApiSession{});
  }

  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<RenderBank> bank_;
  static inline std::string studio_, ana_, elise_, other_production_, studio_user_, operator_user_;

  std::string OffersPath() const { return "/api/v1/studios/" + studio_ + "/offers"; }
  size_t OfferCount() const {
    return client_->Send("GET", OffersPath(), studio_session_).Json()["offers"].size();
  }

  std::unique_ptr<ServeProcess> server_;
  std::unique_ptr<ApiClient> client_;
  ApiSession studio_session_;
};

std::string Fixed2(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// The cells of each <tr data-usage-row> of a page, in order.
std::vector<std::vector<std::string>> UsageRows(const std::string& html) {
  std::vector<std::vector<std::string>> rows;
  const std::regex row(R"(<tr data-usage-row>([\s\S]*?)</tr>)"), cell(R"(<td[^>]*>([^<]*)</td>)");
  for (std::sregex_iterator r(html.begin(), html.end(), row), end; r != end; ++r) {
    const std::string inner = (*r)[1];
    std::vector<std::string> cells;
    for (std::sregex_iterator c(inner.begin(), inner.end(), cell); c != end; ++c) {
      cells.push_back((*c)[1]);
    }
    rows.push_back(cells);
  }
  return rows;
}

TEST_F(PortalStudioTest, TheStudiosHomeShowsItsProductionsOffersAndRefusals) {
  const ApiClient& client = *client_;
  const ApiSession& studio = studio_session_;
  const ApiReply page = client.Send("GET", "/studio", studio);
  ASSERT_EQ(page.status, 200) << page.body;
  const json productions =
      client.Send("GET", "/api/v1/studios/" + studio_ + "/productions", studio).Json();
  ASSERT_FALSE(productions["productions"].empty());
  for (const json& p : productions["productions"]) {
    const std::string id = p["id"];
    EXPECT_NE(page.body.find("href=\"/studio/productions/" + id + "\""), std::string::npos) << id;
    EXPECT_NE(page.body.find(HtmlEscaped(p["title"])), std::string::npos);
  }
  EXPECT_EQ(page.body.find("Elsewhere"), std::string::npos) << "another studio's production";
  const json offers = client.Send("GET", "/api/v1/studios/" + studio_ + "/offers", studio).Json();
  ASSERT_GE(offers["offers"].size(), 2u) << "the signed licence and the declined offer";
  for (const json& l : offers["offers"]) {
    EXPECT_NE(page.body.find(l["id"].get<std::string>()), std::string::npos) << l;
  }
  EXPECT_NE(page.body.find("Signed and in force"), std::string::npos) << "the signed licence";
  EXPECT_NE(page.body.find(HtmlEscaped(kRefusal)), std::string::npos) << "the performer's reason";
  EXPECT_EQ(page.body.find("<script>this"), std::string::npos) << "the reason is escaped";

  const ApiReply french = client.Send("GET", "/studio?lang=fr", studio);
  EXPECT_NE(french.body.find("Offres refusées par les figurants"), std::string::npos);
  EXPECT_EQ(client.Send("GET", "/studio").status, 303) << "no session: to /login";
}

TEST_F(PortalStudioTest, TheUsagePageShowsWhatTheApiAnswers) {
  const ApiClient& client = *client_;
  const ApiSession& studio = studio_session_;
  const std::string production = bank_->production();
  const json usage =
      client.Send("GET", "/api/v1/productions/" + production + "/usage", studio).Json();
  ASSERT_FALSE(usage["performers"].empty()) << "the render counted usage: " << usage;
  const ApiReply page = client.Send("GET", "/studio/productions/" + production, studio);
  ASSERT_EQ(page.status, 200) << page.body;
  const auto rows = UsageRows(page.body);
  ASSERT_EQ(rows.size(), usage["performers"].size()) << page.body;
  for (size_t i = 0; i < rows.size(); ++i) {
    const json& line = usage["performers"][i];
    std::string shots;
    for (const json& s : line["shots"]) shots += (shots.empty() ? "" : ", ") + s.get<std::string>();
    const std::vector<std::string> expected = {
        line["performer"],
        line["licence"],
        shots,
        std::to_string(line["frames"].get<uint64_t>()),
        Fixed2(line["screen_seconds"]),
        Fixed2(line["amount"]) + " " + line["currency"].get<std::string>()};
    EXPECT_EQ(rows[i], expected) << line;
  }
  for (const auto& [currency, amount] : usage["total"].items()) {
    EXPECT_NE(page.body.find("data-usage-total>" + Fixed2(amount) + " " + currency),
              std::string::npos)
        << page.body;
  }
  EXPECT_NE(page.body.find("class=\"table-scroll\""), std::string::npos) << "scrolls at 360 px";
}

TEST_F(PortalStudioTest, AnotherStudiosProductionIsTheNotFoundPage) {
  const ApiClient& client = *client_;
  const ApiSession& studio = studio_session_;
  const ApiReply other = client.Send("GET", "/studio/productions/" + other_production_, studio);
  const ApiReply missing = client.Send("GET", "/studio/productions/prd_0000000000000000", studio);
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.body, missing.body) << "another's production reads as a missing one";
  EXPECT_NE(other.body.find("Not found"), std::string::npos) << other.body;
  EXPECT_EQ(other.body.find("Elsewhere"), std::string::npos);
}

TEST_F(PortalStudioTest, ThePreviewStoresNothingAndIsTheDisclosureTheDraftCarries) {
  const ApiClient& client = *client_;
  const ApiSession& studio = studio_session_;
  const std::string offers = OffersPath();
  const size_t before = OfferCount();
  const std::string body =
      json{{"performer", elise_}, {"terms", Terms(bank_->production())}}.dump();

  const ApiReply preview = client.Send("POST", offers + "/preview", studio, body);
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_EQ(OfferCount(), before) << "a preview stores nothing";
  EXPECT_EQ(preview.Json()["language"], "fr") << "in the performer's language";
  EXPECT_EQ(client.Send("POST", offers + "/preview", studio, body, "").status, 403)
      << "without its CSRF token";

  const ApiReply made = client.Send("POST", offers, studio, body);
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(OfferCount(), before + 1);
  const std::string disclosure = preview.Json()["disclosure"];
  EXPECT_EQ(disclosure, made.Json()["disclosure"].get<std::string>()) << "byte for byte";
  EXPECT_EQ(preview.Json()["disclosure_sha256"], made.Json()["disclosure_sha256"]);
  EXPECT_EQ(made.Json()["language"], "fr");
}

// A refused term is named by its path in the body, and the offer form has the slot it goes in.
TEST_F(PortalStudioTest, AnInvalidTermIsRefusedNamingItAndTheFormHasItsSlot) {
  const ApiClient& client = *client_;
  const ApiSession& studio = studio_session_;
  const std::string offers = OffersPath();
  const size_t before = OfferCount();
  json terms = Terms(bank_->production());
  terms["valid_until"] = "2026-01-01";  // before valid_from
  const ApiReply form = client.Send("GET", "/studio/offers/new", studio);
  ASSERT_EQ(form.status, 200) << form.body;
  for (const std::string& route : std::vector<std::string>{offers + "/preview", offers}) {
    const ApiReply r =
        client.Send("POST", route, studio, json{{"performer", elise_}, {"terms", terms}}.dump());
    EXPECT_EQ(r.status, 400) << route << ": " << r.body;
    const std::string field = r.Json()["error"]["field"];
    EXPECT_EQ(field, "terms.valid_until") << route;
    EXPECT_NE(form.body.find("data-error-for=\"" + field + "\""), std::string::npos) << field;
  }
  EXPECT_EQ(OfferCount(), before);
  // Every term of the canonical form has its control's error slot.
  const json canonical = client.Send("GET", offers, studio).Json()["offers"][0]["terms"];
  for (const auto& [key, value] : canonical.items()) {
    if (key == "studio") continue;  // bound by the route, not a control
    if (value.is_object()) {
      for (const auto& [sub, unused] : value.items()) {
        const std::string slot = "data-error-for=\"terms." + key + "." + sub + "\"";
        EXPECT_NE(form.body.find(slot), std::string::npos) << slot;
      }
      continue;
    }
    const std::string slot = "data-error-for=\"terms." + key + "\"";
    EXPECT_NE(form.body.find(slot), std::string::npos) << slot;
  }
}

TEST_F(PortalStudioTest, OperatorPagesAreTheOperatorsOnly) {
  const ApiClient& client = *client_;
  const ApiSession& studio = studio_session_;
  const ApiSession op = SignIn(client, operator_user_);
  const std::string slip = "/operator/invites/slip?performer=" + elise_;
  for (const std::string& page : std::vector<std::string>{"/operator", slip}) {
    EXPECT_EQ(client.Send("GET", page, studio).status, 404) << page;
    EXPECT_EQ(client.Send("GET", page).status, 303) << page;
  }
  EXPECT_EQ(client.Send("GET", "/studio", op).status, 404) << "and the studio's the studio's";

  const ApiReply home = client.Send("GET", "/operator", op);
  ASSERT_EQ(home.status, 200) << home.body;
  const json performers = client.Send("GET", "/api/v1/performers", op).Json();
  for (const json& p : performers["performers"]) {
    EXPECT_NE(home.body.find(p["id"].get<std::string>()), std::string::npos) << p;
  }
  EXPECT_NE(home.body.find("data-api=\"/api/v1/invites\""), std::string::npos);

  const ApiReply invite =
      client.Send("POST", "/api/v1/invites", op, json{{"performer", elise_}}.dump());
  ASSERT_EQ(invite.status, 201) << invite.body;
  const ApiReply printed = client.Send("GET", slip, op);
  ASSERT_EQ(printed.status, 200) << printed.body;
  EXPECT_NE(printed.body.find("lang=\"fr\""), std::string::npos) << "in Élise's language";
  EXPECT_NE(printed.body.find(HtmlEscaped("Votre code d'inscription")), std::string::npos);
  EXPECT_NE(printed.body.find(server_->origin() + "/enrol"), std::string::npos);
  EXPECT_EQ(printed.body.find(invite.Json()["code"].get<std::string>()), std::string::npos)
      << "the code is the browser's to fill in, never the server's to show again";
  EXPECT_EQ(client.Send("GET", "/operator/invites/slip?performer=per_0000000000000000", op).status,
            404);
}

}  // namespace
}  // namespace figurant::testing
