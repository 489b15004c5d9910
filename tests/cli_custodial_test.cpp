// Banks made before performers held their own keys: the migration, tested on a copy of a bank that
// main's figurant really wrote (tests/data/bank-v3, README there). Opening it destroys the private
// keys the bank held, says so once, flags its consents custodial_signature everywhere, keeps its
// licences working, and lets the performer re-confirm one with their own key.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "bank/bank.h"
#include "bank_v3.h"
#include "cli_device.h"
#include "cli_harness.h"
#include "core/clock.h"
#include "registry/migrations.h"

namespace figurant::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool HasFlag(const json& licence, const std::string& flag) {
  const json& flags = licence["flags"];
  return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

class CliCustodialTest : public BankV3Test {
 protected:
  CliCustodialTest() : BankV3Test("cli-custodial") {}
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

// Disclosure versions (docs/licence.md): this bank's consents were signed under version 1, which
// did not say the double may be moved. They keep their hashes and keep verifying; the licence in
// force is flagged; the studio offers its terms again with version 2 and the performer signs that.
TEST_F(CliCustodialTest, ConsentsFromBeforeMovementAreFlaggedAndOfferedAgainWithTheNewText) {
  const json before = Json({"licence", "show", ids_.in_force})["licence"];
  EXPECT_EQ(before["disclosure_version"], 1) << before.dump();
  EXPECT_TRUE(HasFlag(before, "reconfirm_for_movement")) << before.dump();
  const json revoked = Json({"licence", "show", ids_.revoked})["licence"];
  EXPECT_EQ(revoked["disclosure_version"], 1);
  EXPECT_FALSE(HasFlag(revoked, "reconfirm_for_movement"));  // revoked: it moves nobody
  EXPECT_EQ(Run({"licence", "reoffer", ids_.revoked}).exit_code, 1);

  const json reoffer = Json({"licence", "reoffer", ids_.in_force});
  const std::string draft = reoffer.value("id", "");
  EXPECT_EQ(reoffer["disclosure_version"], 2);
  EXPECT_NE(reoffer.value("disclosure", "")
                .find("MOVEMENT: your double may walk, stand, sit and "
                      "turn. It may be moved through a set"),
            std::string::npos)
      << reoffer.dump();
  const RunResult twice = Run({"licence", "reoffer", ids_.in_force});
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_NE(twice.err.find("offered again already, as draft " + draft), std::string::npos)
      << twice.err;

  const RunResult signed_again = device_.Sign(ids_.performer, draft);
  ASSERT_EQ(signed_again.exit_code, 0) << signed_again.err;
  const json renewed = Json({"licence", "show", draft})["licence"];
  EXPECT_EQ(renewed["state"], "active");
  EXPECT_EQ(renewed["disclosure_version"], 2);
  EXPECT_FALSE(HasFlag(renewed, "reconfirm_for_movement")) << renewed.dump();
  EXPECT_EQ(renewed["terms"], before["terms"]);
  EXPECT_EQ(renewed["consent"]["terms_sha256"], before["consent"]["terms_sha256"]);
  EXPECT_NE(renewed["consent"]["disclosure_sha256"], before["consent"]["disclosure_sha256"]);
  // The old licence is as it was: same consent hashes, still verifying, still flagged.
  const json after = Json({"licence", "show", ids_.in_force})["licence"];
  EXPECT_EQ(after["consent"], before["consent"]);
  EXPECT_EQ(after["signature_valid"], true);
  EXPECT_EQ(after["state"], "active");
  EXPECT_TRUE(HasFlag(after, "reconfirm_for_movement"));
  EXPECT_EQ(Json({"ledger", "verify"})["consents"]["verified"], 1);  // the new, own-key consent

  // What a render asks per licence, on the bank itself.
  FixedClock clock(*ParseTimestamp(kBankV3Now));
  auto bank = bank::Bank::Open(bank_, clock);
  ASSERT_TRUE(bank.ok()) << bank.status().ToString();
  const auto old_version = (*bank)->DisclosureVersionOf(ids_.in_force);
  ASSERT_TRUE(old_version.ok()) << old_version.status().ToString();
  EXPECT_TRUE(consent::NeedsMovementReconfirmation(*old_version));
  const auto new_version = (*bank)->DisclosureVersionOf(draft);
  ASSERT_TRUE(new_version.ok()) << new_version.status().ToString();
  EXPECT_FALSE(consent::NeedsMovementReconfirmation(*new_version));
  const auto facts = (*bank)->LicenceFactsOf(ids_.performer);
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  std::map<std::string, int> versions;
  for (const consent::LicenceFacts& f : *facts) versions[f.id] = f.disclosure_version;
  EXPECT_EQ(versions,
            (std::map<std::string, int>{{ids_.in_force, 1}, {ids_.revoked, 1}, {draft, 2}}));
}

}  // namespace
}  // namespace figurant::testing
