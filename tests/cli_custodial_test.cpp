// Banks made before performers held their own keys: the migration, tested on a copy of a bank that
// main's figurant really wrote (tests/data/bank-v3, README there). Opening it destroys the private
// keys the bank held, says so once, flags its consents custodial_signature everywhere, keeps its
// licences working, and lets the performer re-confirm one with their own key.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_device.h"
#include "cli_harness.h"
#include "registry/migrations.h"

namespace figurant::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kNow[] = "2026-12-08T12:00:00Z";  // a day after the bank was made

// The ids tests/data/bank-v3/ids.txt lists: studio, production, performer, in-force licence,
// revoked licence.
struct V3Ids {
  std::string studio, production, performer, in_force, revoked;
};

V3Ids ReadIds(const fs::path& data) {
  V3Ids ids;
  std::ifstream(data / "ids.txt") >> ids.studio >> ids.production >> ids.performer >>
      ids.in_force >> ids.revoked;
  return ids;
}

// Copies `from` to `to` with the modes git does not keep: directories 0700, files 0600.
void CopyPrivate(const fs::path& from, const fs::path& to) {
  fs::copy(from, to, fs::copy_options::recursive);
  ::chmod(to.c_str(), 0700);
  for (const auto& e : fs::recursive_directory_iterator(to)) {
    ::chmod(e.path().c_str(), e.is_directory() ? 0700 : 0600);
  }
}

bool HasFlag(const json& licence, const std::string& flag) {
  const json& flags = licence["flags"];
  return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

class CliCustodialTest : public ::testing::Test {
 protected:
  CliCustodialTest()
      : dir_("cli-custodial"),
        device_(dir_.path() / "device",
                [this](const std::vector<std::string>& a) { return Run(a); },
                {{"FIGURANT_NOW", kNow}}) {}

  void SetUp() override {
    const fs::path data = FIGURANT_BANK_V3_DIR;
    ids_ = ReadIds(data);
    ASSERT_FALSE(ids_.revoked.empty()) << "tests/data/bank-v3/ids.txt";
    bank_ = dir_.path() / "bank";
    CopyPrivate(data / "bank", bank_);
    CopyPrivate(data / "bank.keys", dir_.path() / "bank.keys");
    fs::create_directories(bank_ / "store");
    ::chmod((bank_ / "store").c_str(), 0700);
  }

  RunResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--bank", bank_.string()});
    return RunFigurant(args, {{"FIGURANT_NOW", kNow}});
  }
  json Json(std::vector<std::string> args, int expected = 0) {
    args.insert(args.begin(), "--json");
    const RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, expected) << r.err;
    return json::parse(r.out, nullptr, false);
  }

  TempDir dir_;
  CliDevice device_;
  fs::path bank_;
  V3Ids ids_;
};

TEST_F(CliCustodialTest, OpeningDestroysTheBankHeldKeysOnceAndFlagsEveryListing) {
  const fs::path custodial =
      dir_.path() / "bank.keys" / "performers" / (ids_.performer + ".ed25519");
  ASSERT_TRUE(fs::exists(custodial));
  const RunResult first = Run({"--json", "licence", "list"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("destroyed those 1 private key file(s)"), std::string::npos)
      << first.err;
  EXPECT_FALSE(fs::exists(custodial));
  const json list = json::parse(first.out);
  ASSERT_EQ(list["licences"].size(), 2u);
  for (const json& l : list["licences"]) {
    EXPECT_TRUE(HasFlag(l, "custodial_signature")) << l.dump();
    EXPECT_EQ(l["signature_valid"], true) << l["id"];  // the public key stays to verify the past
  }
  // Said once.
  EXPECT_EQ(Run({"licence", "list"}).err.find("destroyed"), std::string::npos);
  EXPECT_NE(Run({"licence", "show", ids_.in_force}).out.find("custodial_signature"),
            std::string::npos);
  EXPECT_NE(Run({"performer", "show", ids_.performer}).out.find("CUSTODIAL_SIGNATURE"),
            std::string::npos);
  // The licences keep working for the check.
  const RunResult check =
      Run({"check", "--performer", ids_.performer, "--production", ids_.production});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  const json statement = Json({"statement", "--performer", ids_.performer, "--format", "json"});
  // No usage yet: the statement lists the scan fees of both licences, flagged.
  EXPECT_EQ(statement["custodial_signature"].size(), 2u) << statement.dump();
  // The audit counts them, from the ledger alone.
  const json verify = Json({"ledger", "verify"});
  EXPECT_EQ(verify["consents"]["custodial_signature"], 2);
  EXPECT_EQ(verify["consents"]["verified"], 0);
}

TEST_F(CliCustodialTest, InitOnAnOldBankSaysSoToo) {
  const json init = Json({"init"});
  EXPECT_EQ(init["destroyed_custodial_keys"], 1);
  EXPECT_EQ(init["schema_version"], registry::Migrations().back().version);
  EXPECT_EQ(Json({"init"})["destroyed_custodial_keys"], 0);
}

TEST_F(CliCustodialTest, ThePerformerReConfirmsWithTheirOwnKey) {
  const RunResult confirmed = device_.Sign(ids_.performer, ids_.in_force, "union");
  ASSERT_EQ(confirmed.exit_code, 0) << confirmed.err;
  const json show = Json({"licence", "show", ids_.in_force});
  EXPECT_FALSE(HasFlag(show["licence"], "custodial_signature")) << show.dump();
  EXPECT_EQ(show["licence"]["signature_valid"], true);
  EXPECT_EQ(show["licence"]["state"], "active");
  const json revoked = Json({"licence", "show", ids_.revoked});
  EXPECT_TRUE(HasFlag(revoked["licence"], "custodial_signature"));
  // Only custodial consents are offered again.
  EXPECT_NE(Run({"licence", "offer", ids_.in_force, "--out", (dir_.path() / "again.json").string()})
                .exit_code,
            0);
  const json verify = Json({"ledger", "verify"});
  EXPECT_EQ(verify["consents"]["verified"], 1);
  EXPECT_EQ(verify["consents"]["keys_enrolled"], 1);
  EXPECT_EQ(
      Run({"check", "--performer", ids_.performer, "--production", ids_.production}).exit_code, 0);
}

}  // namespace
}  // namespace figurant::testing
