// Crash test: the CLI is SIGKILLed at random points while it writes, 50 times. After every kill the
// registry must pass SQLite's integrity and foreign-key checks and hold each command whole or not
// at all: a licence is never signed without its consent record and event, never revoked without
// its event, and no performer row exists without its signing key.
//
// FIGURANT_TEST_WRITE_DELAY_MS makes each write statement pause, so kills land inside transactions
// (between statements) as well as before and after them.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "cli_device.h"
#include "cli_harness.h"

namespace figurant::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr int kKills = 50;

struct Row {
  std::vector<std::string> cols;
};

std::vector<Row> Query(sqlite3* db, const std::string& sql) {
  std::vector<Row> rows;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "prepare failed: " << sqlite3_errmsg(db) << " for " << sql;
    return rows;
  }
  while (sqlite3_step(st) == SQLITE_ROW) {
    Row r;
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      const auto* t = sqlite3_column_text(st, i);
      r.cols.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
    }
    rows.push_back(std::move(r));
  }
  sqlite3_finalize(st);
  return rows;
}

// Every invariant that a half-applied command would break. Returns a description of the first
// violation, or "" when the registry is consistent.
std::string Violations(const fs::path& bank) {
  sqlite3* db = nullptr;
  if (sqlite3_open((bank / "figurant.db").c_str(), &db) != SQLITE_OK) return "cannot open";
  std::string problem;
  auto check = [&](const std::string& sql, const std::string& what) {
    if (!problem.empty()) return;
    auto rows = Query(db, sql);
    if (!rows.empty()) problem = what + ": " + rows[0].cols[0];
  };
  auto ic = Query(db, "PRAGMA integrity_check");
  if (ic.empty() || ic[0].cols[0] != "ok") problem = "integrity_check failed";
  check("PRAGMA foreign_key_check", "foreign key violation in");
  check(
      "SELECT id FROM licences l WHERE (SELECT COUNT(*) FROM licence_events e WHERE "
      "e.licence_id = l.id AND kind = 'drafted') <> 1",
      "licence without exactly one drafted event");
  check(
      "SELECT id FROM licences l WHERE state = 'draft' AND (EXISTS (SELECT 1 FROM consents c "
      "WHERE c.licence_id = l.id) OR EXISTS (SELECT 1 FROM licence_events e WHERE "
      "e.licence_id = l.id AND kind = 'signed'))",
      "draft with a consent record or signed event");
  check(
      "SELECT id FROM licences l WHERE state IN ('active', 'revoked') AND (NOT EXISTS (SELECT 1 "
      "FROM consents c WHERE c.licence_id = l.id) OR (SELECT COUNT(*) FROM licence_events e "
      "WHERE e.licence_id = l.id AND kind = 'signed') <> 1)",
      "signed licence without its consent record or signed event");
  check(
      "SELECT id FROM licences l WHERE state = 'revoked' AND (SELECT COUNT(*) FROM "
      "licence_events e WHERE e.licence_id = l.id AND kind = 'revoked') <> 1",
      "revoked licence without exactly one revoked event");
  check(
      "SELECT id FROM licences l WHERE state = 'active' AND EXISTS (SELECT 1 FROM "
      "licence_events e WHERE e.licence_id = l.id AND kind = 'revoked')",
      "active licence with a revoked event");
  // The bank holds no performer's key (docs/keys.md): a used enrolment code has its key.
  check(
      "SELECT code_sha256 FROM enrolment_codes c WHERE used_at IS NOT NULL AND NOT EXISTS (SELECT "
      "1 FROM signer_keys k WHERE k.signer = c.signer AND k.signer_id = c.signer_id)",
      "used enrolment code without an enrolled key");
  sqlite3_close(db);
  return problem;
}

TEST(CliCrashTest, KilledWritesLeaveTheRegistryWholeOrUntouched) {
  TempDir dir("crash");
  const std::string bank = (dir.path() / "bank").string();
  const std::map<std::string, std::string> env = {{"FIGURANT_NOW", "2026-06-01T12:00:00Z"}};
  auto json_run = [&](std::vector<std::string> args,
                      const std::map<std::string, std::string>& run_env = {}) {
    args.insert(args.begin(), {"--bank", bank, "--json"});
    RunResult r = RunFigurant(args, run_env.empty() ? env : run_env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  };
  json_run({"init"});
  const std::string performer = json_run({"performer", "add", "--name", "Ana"})["id"];
  const std::string key = (dir.path() / "studio.ed25519").string();
  json_run({"key", "new", "--out", key}, WithPartyPassphrase(env));
  const std::string studio =
      json_run({"studio", "add", "--name", "S", "--public-key-file", key + ".pub"})["id"];
  const std::string production =
      json_run({"production", "add", "--studio", studio, "--title", "T", "--media", "streaming",
                "--territories", "FR", "--fps", "24", "--studio-key", key},
               WithPartyPassphrase(env))["id"];
  const fs::path terms = dir.path() / "terms.json";
  std::ofstream(terms) << R"({"productions": [")" << production << R"("], "uses": ["background"],
    "media": ["streaming"], "territories": ["FR"], "valid_from": "2026-01-01",
    "valid_until": "2027-12-31", "max_screen_height_fraction": 0.2,
    "compensation": {"currency": "EUR", "scan_fee": 100}, "revocable": true,
    "revocation_notice_days": 0})";

  // The performer signs on their own device; only the bank's `licence sign --signature` is killed.
  CliDevice device(
      dir.path() / "device",
      [&](std::vector<std::string> a) {
        a.insert(a.begin(), {"--bank", bank});
        return RunFigurant(a, env);
      },
      env);
  std::mt19937 rng(424242);
  std::map<std::string, std::string> slow = env;
  slow["FIGURANT_TEST_WRITE_DELAY_MS"] = "15";
  auto licences_in = [&](const std::string& state) {
    std::vector<std::string> ids;
    const json list = json_run({"licence", "list"});
    for (const json& l : list["licences"]) {
      if (l["state"] == state) ids.push_back(l["id"]);
    }
    return ids;
  };
  auto command = [&](int pick, int i) {
    std::vector<std::string> args = {"--bank", bank};
    const std::vector<std::string> drafts = licences_in("draft");
    const std::vector<std::string> actives = licences_in("active");
    if (pick == 0) {
      args.insert(args.end(), {"performer", "add", "--name", "P" + std::to_string(i)});
    } else if (pick == 1 || drafts.empty()) {
      args.insert(args.end(), {"licence", "draft", "--performer", performer, "--studio", studio,
                               "--terms", terms.string()});
    } else if (pick == 2 || actives.empty()) {
      const std::string draft = drafts[rng() % drafts.size()];
      const RunResult prepared = device.PrepareSignature(performer, draft);
      EXPECT_EQ(prepared.exit_code, 0) << prepared.err;
      args.insert(args.end(),
                  {"licence", "sign", draft, "--signature", device.SignatureFile(draft).string()});
    } else {
      args.insert(args.end(), {"licence", "revoke", actives[rng() % actives.size()]});
    }
    return args;
  };
  // Stock the bank, and time each kind of command when it is not killed, so that kills are spread
  // over each command's whole run.
  std::vector<int> duration_us(4, 0);
  for (int round = 0; round < 2; ++round) {
    for (int pick = 0; pick < 4; ++pick) {
      const auto args = command(pick, 1000 + round * 4 + pick);
      const auto t0 = std::chrono::steady_clock::now();
      RunResult r = RunFigurant(args, slow);
      const auto t1 = std::chrono::steady_clock::now();
      ASSERT_EQ(r.exit_code, 0) << args[2] << " " << args[3] << ": " << r.err;
      duration_us[pick] = std::max(
          duration_us[pick],
          static_cast<int>(std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0).count()));
    }
  }
  for (int d = 0; d < 4; ++d) {
    json_run({"licence", "draft", "--performer", performer, "--studio", studio, "--terms",
              terms.string()});
  }

  int killed_mid_run = 0;
  for (int i = 0; i < kKills; ++i) {
    const int pick = static_cast<int>(rng() % 4);
    const auto args = command(pick, i);
    const int kill_after_us = static_cast<int>(rng() % static_cast<unsigned>(duration_us[pick]));
    RunResult r = RunAndKill(args, slow, kill_after_us);
    if (r.signal == SIGKILL) ++killed_mid_run;
    const std::string v = Violations(bank);
    ASSERT_EQ(v, "") << "after kill " << i << " of '" << args[2] << " " << args[3] << "' at "
                     << kill_after_us << " us of " << duration_us[pick];
  }
  // The test proves little unless most commands really died mid-run.
  EXPECT_GE(killed_mid_run, kKills / 2);
  // And the bank still works afterwards.
  json after = json_run({"performer", "show", performer});
  EXPECT_EQ(after["performer"]["id"], performer);
  RecordProperty("killed_mid_run", killed_mid_run);
}

}  // namespace
}  // namespace figurant::testing
