// The ledger through the real binary, against an operator with a shell or a studio that can write
// files: a file written over the ledger is refused, never emptied.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_harness.h"
#include "core/file.h"

namespace figurant::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class CliLedgerTest : public ::testing::Test {
 protected:
  CliLedgerTest() : dir_("cli-ledger") {}

  void SetUp() override {
    bank_ = (dir_.path() / "bank").string();
    Json({"init"});
    studio_ = Json({"studio", "add", "--name", "S"})["id"];
    production_ = Json({"production", "add", "--studio", studio_, "--title", "Market", "--media",
                        "streaming", "--territories", "FR"})["id"];
    SignLicence("Amina Diallo");
  }

  RunResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--bank", bank_});
    return RunFigurant(args, {{"FIGURANT_NOW", "2026-06-01T12:00:00Z"}});
  }

  json Json(std::vector<std::string> args, int expected = 0) {
    args.insert(args.begin(), "--json");
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, expected) << r.err;
    return json::parse(r.out, nullptr, false);
  }

  // A new performer with a signed licence: one licence_signed entry and a head in the ledger.
  void SignLicence(const std::string& name) {
    const std::string p = Json({"performer", "add", "--name", name})["id"];
    const json terms = {{"productions", {production_}},
                        {"uses", {"background"}},
                        {"media", {"streaming"}},
                        {"territories", {"worldwide"}},
                        {"valid_from", "2026-01-01"},
                        {"valid_until", "2027-12-31"},
                        {"max_screen_height_fraction", 0.5},
                        {"excluded_content", json::array()},
                        {"compensation", {{"currency", "EUR"}, {"scan_fee", 50}}},
                        {"revocable", true},
                        {"revocation_notice_days", 0}};
    const fs::path file = dir_.path() / "terms.json";
    std::ofstream(file) << terms.dump();
    const std::string lic = Json({"licence", "draft", "--performer", p, "--studio", studio_,
                                  "--terms", file.string()})["id"];
    Json({"licence", "sign", lic, "--performer", p});
  }

  fs::path LedgerFile() const { return fs::path(bank_) / "ledger" / "ledger.log"; }

  TempDir dir_;
  std::string bank_, studio_, production_;
};

// Attack: an image (a scene's output, or anything else) written over ledger/ledger.log. The next
// open used to "repair" it to nothing and start a fresh ledger, and the production's debt was
// gone. Now every command that needs the ledger fails naming the file and the byte, and the file
// is left exactly as it is.
TEST_F(CliLedgerTest, AFileWrittenOverTheLedgerIsRefusedNeverEmptied) {
  const std::string png = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + std::string(200, 'x');
  for (const std::string& bytes : {png, std::string(), *ReadFile(LedgerFile()) + png}) {
    std::ofstream(LedgerFile(), std::ios::binary | std::ios::trunc) << bytes;
    for (const std::vector<std::string>& cmd : {std::vector<std::string>{"ledger", "head"},
                                                {"ledger", "verify"},
                                                {"statement", "--production", production_}}) {
      RunResult r = Run(cmd);
      EXPECT_EQ(r.exit_code, 1) << cmd[0] << " " << cmd[1] << ": " << r.out;
      EXPECT_NE(r.err.find(LedgerFile().string()), std::string::npos) << r.err;
      EXPECT_NE(r.err.find("byte"), std::string::npos) << r.err;
    }
    EXPECT_EQ(*ReadFile(LedgerFile()), bytes) << "the ledger file was changed";
  }
}

// A crash's residue — the start of a batch after the last head — is still cut away on open.
TEST_F(CliLedgerTest, ATornTailIsStillRepaired) {
  const std::string before = *ReadFile(LedgerFile());
  const json head = Json({"ledger", "head"})["head"];
  SignLicence("Bo Lindqvist");  // a batch: one entry and its head
  const std::string after = *ReadFile(LedgerFile());
  ASSERT_GT(after.size(), before.size());
  // The batch torn in its head: the new entry is whole, the head cut short.
  std::ofstream(LedgerFile(), std::ios::binary | std::ios::trunc)
      << after.substr(0, after.size() - 50);
  const json verify = Json({"ledger", "verify"});
  EXPECT_TRUE(verify["valid"]);
  EXPECT_GE(verify["entries"].get<uint64_t>(), head["tree_size"].get<uint64_t>());
}

}  // namespace
}  // namespace figurant::testing
