// End-to-end tests of the bank commands through the real binary: the contract scripts and the web
// API rely on (--help, --json, exit codes, error messages, nothing written on bad input).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_device.h"
#include "cli_harness.h"

namespace figurant::testing {
namespace {

using nlohmann::json;

constexpr char kNow[] = "2026-06-01T12:00:00Z";

class CliBankTest : public ::testing::Test {
 protected:
  CliBankTest()
      : dir_("cli-bank"),
        device_(dir_.path() / "device",
                [this](const std::vector<std::string>& a) { return Run(a); },
                {{"FIGURANT_NOW", kNow}}) {}

  void SetUp() override {
    bank_ = (dir_.path() / "bank").string();
    ASSERT_EQ(Run({"init"}).exit_code, 0);
    performer_ = Id({"performer", "add", "--name", "Amina Diallo", "--language", "fr"});
    studio_key_ = (dir_.path() / "studio.ed25519").string();
    Json({"key", "new", "--out", studio_key_}, 0, WithPartyPassphrase());
    studio_ = Id(
        {"studio", "add", "--name", "Lumière Pictures", "--public-key-file", studio_key_ + ".pub"});
    production_ = Json({"production", "add", "--studio", studio_, "--title", "Le Grand Match",
                        "--media", "streaming", "--territories", "FR,BE", "--content", "violence",
                        "--fps", "24", "--studio-key", studio_key_},
                       0, WithPartyPassphrase())
                      .value("id", "");
  }

  RunResult Run(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), {"--bank", bank_});
    env.emplace("FIGURANT_NOW", kNow);
    return RunFigurant(args, env);
  }

  // Runs with --json and returns the single JSON object printed on stdout.
  json Json(std::vector<std::string> args, int expected_exit = 0,
            std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), "--json");
    RunResult r = Run(args, std::move(env));
    EXPECT_EQ(r.exit_code, expected_exit) << r.err;
    json j = json::parse(r.out, nullptr, false);
    EXPECT_TRUE(j.is_object()) << "stdout was not exactly one JSON object: " << r.out;
    return j;
  }

  std::string Id(const std::vector<std::string>& args) {
    json j = Json(args);
    return j.value("id", "");
  }

  std::string WriteTerms(const std::string& body, const std::string& name = "terms.json") {
    const auto path = dir_.path() / name;
    std::ofstream(path) << body;
    return path.string();
  }

  std::string GoodTerms(const std::string& productions = "") {
    return WriteTerms(R"({"productions": )" +
                      (productions.empty() ? "[\"" + production_ + "\"]" : productions) +
                      R"(, "uses": ["background"], "media": ["streaming"],
      "territories": ["worldwide"], "valid_from": "2026-01-01", "valid_until": "2027-12-31",
      "max_screen_height_fraction": 0.2, "excluded_content": ["nudity"],
      "compensation": {"currency": "EUR", "scan_fee": 180.0, "per_production_fee": 180.0},
      "revocable": true, "revocation_notice_days": 30})");
  }

  std::string SignedLicence(const std::string& terms_file, const std::string& rep = "union") {
    const std::string draft = Id({"licence", "draft", "--performer", performer_, "--studio",
                                  studio_, "--terms", terms_file});
    const RunResult signed_ = device_.Sign(performer_, draft, rep);
    EXPECT_EQ(signed_.exit_code, 0) << signed_.err;
    return draft;
  }

  TempDir dir_;
  CliDevice device_;  // the performer's and estate's own keys, on their side
  std::string bank_, studio_key_, performer_, studio_, production_;
};

TEST_F(CliBankTest, HelpListsEveryCommand) {
  RunResult r = RunFigurant({"--help-all"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* cmd : {"init", "performer", "add", "list", "show", "update", "estate", "studio",
                          "production", "licence", "draft", "sign", "revoke", "check"}) {
    EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd;
  }
}

TEST_F(CliBankTest, CreationsPrintTheirIdAsJson) {
  EXPECT_EQ(performer_.rfind("per_", 0), 0u);
  EXPECT_EQ(studio_.rfind("stu_", 0), 0u);
  EXPECT_EQ(production_.rfind("prd_", 0), 0u);
  json list = Json({"performer", "list"});
  ASSERT_EQ(list["performers"].size(), 1u);
  EXPECT_EQ(list["performers"][0]["name"], "Amina Diallo");
}

TEST_F(CliBankTest, BankDirectoryComesFromEnvironmentWhenNotGiven) {
  RunResult r = RunFigurant({"--json", "studio", "list"}, {{"FIGURANT_BANK", bank_}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["studios"][0]["id"], studio_);
}

TEST_F(CliBankTest, MissingBankIsBadInputWithAHint) {
  RunResult r = RunFigurant({"--bank", (dir_.path() / "none").string(), "studio", "list"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("init"), std::string::npos);
}

TEST_F(CliBankTest, DraftSignCheckRevoke) {
  const std::string draft_file = GoodTerms();
  json draft = Json(
      {"licence", "draft", "--performer", performer_, "--studio", studio_, "--terms", draft_file});
  const std::string lic = draft["id"];
  EXPECT_NE(draft["disclosure"].get<std::string>().find("Le Grand Match"), std::string::npos);
  EXPECT_EQ(draft["language"], "fr");
  // A draft allows nothing.
  EXPECT_EQ(Run({"check", "--performer", performer_, "--production", production_}).exit_code, 3);
  const RunResult signed_ = device_.Sign(performer_, lic);
  EXPECT_EQ(signed_.exit_code, 0) << signed_.err;
  EXPECT_EQ(Json({"licence", "show", lic})["licence"]["state"], "active");
  RunResult ok = Run({"check", "--performer", performer_, "--production", production_});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out.rfind("allowed", 0), 0u);
  // Notice period: 30 days from 2026-06-01.
  RunResult early = Run({"licence", "revoke", lic, "--effective", "2026-06-10"});
  EXPECT_EQ(early.exit_code, 2);
  EXPECT_NE(early.err.find("2026-07-01"), std::string::npos) << early.err;
  EXPECT_NE(early.err.find("--effective"), std::string::npos) << early.err;
  json rev = Json({"licence", "revoke", lic});
  EXPECT_EQ(rev["effective"], "2026-07-01");
  EXPECT_EQ(
      Run({"check", "--performer", performer_, "--production", production_, "--date", "2026-06-30"})
          .exit_code,
      0);
  json denied = Json(
      {"check", "--performer", performer_, "--production", production_, "--date", "2026-07-01"}, 3);
  EXPECT_EQ(denied["decision"], "denied");
  ASSERT_FALSE(denied["reasons"].empty());
  EXPECT_EQ(denied["reasons"][0]["code"], "revoked");
}

TEST_F(CliBankTest, CheckPrintsEveryReason) {
  SignedLicence(GoodTerms());
  const std::string other_key = (dir_.path() / "other.ed25519").string();
  Json({"key", "new", "--out", other_key}, 0, WithPartyPassphrase());
  const std::string other_studio =
      Id({"studio", "add", "--name", "Other", "--public-key-file", other_key + ".pub"});
  const std::string other =
      Json({"production", "add", "--studio", other_studio, "--title", "X", "--media", "broadcast",
            "--territories", "US", "--content", "nudity", "--fps", "25", "--studio-key", other_key},
           0, WithPartyPassphrase())
          .value("id", "");
  RunResult r =
      Run({"check", "--performer", performer_, "--production", other, "--screen-height-fraction",
           "0.5", "--alteration", "body_scale", "--date", "2028-02-01"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out.rfind("denied", 0), 0u);
  for (const char* reason :
       {"other_studio", "production_not_covered", "medium_not_covered", "expired",
        "content_excluded", "too_large_on_screen", "alteration_not_permitted"}) {
    EXPECT_NE(r.out.find(reason), std::string::npos) << reason << "\n" << r.out;
  }
}

TEST_F(CliBankTest, BadTermsFileReportsEachFieldAndWritesNothing) {
  const std::string bad = WriteTerms(R"({"productions": ["prd_doesnotexist"],
      "uses": ["principal"], "media": ["cinema"], "territories": ["Narnia"],
      "valid_from": "2026-13-01", "valid_until": "2027-12-31",
      "max_screen_height_fraction": 2, "compensation": {"currency": "EUR", "scan_fee": -1},
      "revocable": "yes"})",
                                     "bad.json");
  RunResult r =
      Run({"licence", "draft", "--performer", performer_, "--studio", studio_, "--terms", bad});
  EXPECT_EQ(r.exit_code, 2);
  for (const char* field :
       {"'uses'", "'media'", "'territories'", "'valid_from'", "'max_screen_height_fraction'",
        "'compensation.scan_fee'", "'revocable'"}) {
    EXPECT_NE(r.err.find(std::string("bad.json: field ") + field), std::string::npos)
        << field << "\n"
        << r.err;
  }
  EXPECT_TRUE(Json({"licence", "list"})["licences"].empty());
  RunResult missing = Run({"licence", "draft", "--performer", performer_, "--studio", studio_,
                           "--terms", (dir_.path() / "nope.json").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.json"), std::string::npos);
}

TEST_F(CliBankTest, BlanketUnrepresentedGrantIsFlaggedInEveryListing) {
  const std::string lic = SignedLicence(GoodTerms("\"any\""), "none");
  RunResult list = Run({"licence", "list"});
  EXPECT_NE(list.out.find("[BLANKET]"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("[UNREPRESENTED_WIDE_GRANT]"), std::string::npos);
  RunResult show = Run({"performer", "show", performer_});
  EXPECT_NE(show.out.find("[BLANKET]"), std::string::npos) << show.out;
  json j = Json({"licence", "show", lic});
  EXPECT_NE(std::find(j["licence"]["flags"].begin(), j["licence"]["flags"].end(), "blanket"),
            j["licence"]["flags"].end());
}

TEST_F(CliBankTest, DeceasedPerformerFlow) {
  SignedLicence(GoodTerms());
  EXPECT_EQ(Run({"performer", "update", performer_, "--deceased", "2026-05-01"}).exit_code, 0);
  json d = Json({"check", "--performer", performer_, "--production", production_}, 3);
  EXPECT_EQ(d["reasons"][0]["code"], "needs_estate");
  const std::string estate = Id({"performer", "estate", performer_, "--name", "Succession Diallo"});
  EXPECT_EQ(estate.rfind("est_", 0), 0u);
  const std::string draft = Id(
      {"licence", "draft", "--performer", performer_, "--studio", studio_, "--terms", GoodTerms()});
  // The bank signs for nobody: it says how consent is given now.
  RunResult by_bank = Run({"licence", "sign", draft, "--performer", performer_});
  EXPECT_EQ(by_bank.exit_code, 1);
  EXPECT_NE(by_bank.err.find("the bank no longer signs for performers"), std::string::npos)
      << by_bank.err;
  EXPECT_NE(by_bank.err.find("figurant licence offer"), std::string::npos) << by_bank.err;
  // The offer is addressed to the estate, which enrols its own key and signs.
  const RunResult by_estate = device_.Sign(performer_, draft, "none", "estate");
  EXPECT_EQ(by_estate.exit_code, 0) << by_estate.err;
  EXPECT_EQ(Run({"check", "--performer", performer_, "--production", production_}).exit_code, 0);
}

TEST_F(CliBankTest, PerformerShowHasRetentionDate) {
  SignedLicence(GoodTerms());
  json j = Json({"performer", "show", performer_});
  EXPECT_EQ(j["retention"]["erase_on"], "2030-12-31");
}

TEST_F(CliBankTest, BadOptionValuesAreExitTwo) {
  EXPECT_EQ(Run({"performer", "add", "--name", "X", "--language", "de"}).exit_code, 2);
  EXPECT_EQ(
      Run({"check", "--performer", performer_, "--production", production_, "--date", "tomorrow"})
          .exit_code,
      2);
  EXPECT_EQ(Run({"check", "--performer", performer_, "--production", production_, "--use", "lead"})
                .exit_code,
            2);
  EXPECT_EQ(Run({"frobnicate"}).exit_code, 2);
  json err = Json({"production", "show", "prd_0000000000000000"}, 2);
  EXPECT_EQ(err["error"]["code"], "NOT_FOUND");
}

}  // namespace
}  // namespace figurant::testing
