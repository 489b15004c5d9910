// Crash test of the whole bank (issue 13, "Must show"): 100 SIGKILLs at random points of renders
// (multi-frame shots, re-rendered with other performers in view, so supersession is exercised) and
// of scan imports. After every kill:
//   - every plate on disk (EXR, PNG preview, coverage sidecar) of every shot is in the ledger, and
//     no temporary file is named like a plate;
//   - the ledger verifies, and verifies against the heads a witness outside the bank countersigned
//     (every 10 commands): it extends every witnessed head;
//   - the statement is what the ledger's units say, and what is owed per (shot, frame) and
//     performer never decreased; for frames whose plates exist it is unchanged unless the killed
//     command itself metered the frame (an import, or a render of another shot, changes nothing);
//   - a plate the killed command published is of a frame it metered.
// And the registry passes SQLite's integrity check. At the end the bank still renders and meters.
//
// FIGURANT_TEST_PLATE_DELAY_MS pauses each frame before it is metered and before it is published,
// FIGURANT_TEST_WRITE_DELAY_MS each registry write, so kills land in those windows.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "cli_harness.h"
#include "render_bank.h"

namespace figurant::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr int kShots = 3;
constexpr int kFrames = 3;
constexpr int kKills = 100;
constexpr int kWitnessEvery = 10;
constexpr double kFps = 24;             // the production RenderBank declares
constexpr double kPerScreenSecond = 2;  // RenderBank's licences [Units: EUR/s]
constexpr char kPlateDelayMs[] = "30";
constexpr char kWriteDelayMs[] = "10";

// A billed frame: (shot, frame).
using Frame = std::pair<std::string, int>;
// What each frame owes, from the ledger's usage (docs/ledger.md, "Supersession"): per performer,
// the doubles any render showed in it; each is one unit of 1/fps screen-seconds.
using Owed = std::map<Frame, std::map<std::string, std::set<std::string>>>;

Owed OwedPerFrame(const RenderBank& bank, const std::vector<MeteredFrame>& usage) {
  Owed owed;
  for (const MeteredFrame& u : usage) {
    owed[{u.shot, u.frame}][bank.PerformerOf(u.double_id)].insert(u.double_id);
  }
  return owed;
}

std::string FrameName(const Frame& f) { return f.first + "." + std::to_string(f.second); }

// The production statement (`statement --production P`) must be the sum of the frames' units:
// per performer, the frames they are seen in, 1/fps per unit, 2 EUR per screen-second.
std::string StatementDisagrees(const RenderBank& bank, const Owed& owed) {
  std::map<std::string, std::pair<uint64_t, double>> expected;  // frames, screen-seconds
  for (const auto& [frame, performers] : owed) {
    for (const auto& [performer, doubles] : performers) {
      ++expected[performer].first;
      expected[performer].second += static_cast<double>(doubles.size()) / kFps;
    }
  }
  const json s = bank.Json({"statement", "--production", bank.production(), "--format", "json"});
  if (!s.contains("performers")) return "no statement: " + s.dump();
  std::map<std::string, std::pair<uint64_t, double>> stated;
  for (const json& line : s["performers"]) {
    const double seconds = line["screen_seconds"];
    if (std::abs(line["amount"].get<double>() - kPerScreenSecond * seconds) > 1e-9) {
      return "amount is not the screen-seconds' pay: " + line.dump();
    }
    stated[line["performer"]] = {line["frames"].get<uint64_t>(), seconds};
  }
  for (const auto& [performer, want] : expected) {
    const auto got = stated.find(performer);
    if (got == stated.end()) return "no statement line for " + performer;
    if (got->second.first != want.first || std::abs(got->second.second - want.second) > 1e-9) {
      return performer + " stated " + std::to_string(got->second.first) + " frames, " +
             std::to_string(got->second.second) + " s; the ledger's units say " +
             std::to_string(want.first) + " frames, " + std::to_string(want.second) + " s";
    }
  }
  if (stated.size() != expected.size()) return "statement lines for performers with no units";
  return "";
}

// The plate files of every shot in a plate directory, by name, with their inode: a plate published
// since (renamed over the old one, or new) has another.
using PlateFiles = std::map<std::string, ino_t>;

PlateFiles PlatesIn(const fs::path& out) {
  PlateFiles plates;
  for (const auto& e : fs::directory_iterator(out)) {
    struct stat st {};
    if (::stat(e.path().c_str(), &st) == 0) plates[e.path().filename().string()] = st.st_ino;
  }
  return plates;
}

// The frames the usage events after the first `known` were metered for.
std::set<Frame> MeteredSince(const std::vector<MeteredFrame>& usage, size_t known) {
  std::set<Frame> frames;
  for (size_t i = known; i < usage.size(); ++i) frames.insert({usage[i].shot, usage[i].frame});
  return frames;
}

// Registry integrity: SQLite's own check of figurant.db.
std::string IntegrityCheck(const fs::path& bank) {
  sqlite3* db = nullptr;
  std::string result = "cannot open";
  if (sqlite3_open_v2((bank / "figurant.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
      SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      result = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return result;
}

// One command of the crash loop, and what it may change.
struct Command {
  std::string what;  // for messages
  std::vector<std::string> args;
  std::map<std::string, std::string> env;
  std::string shot;  // the rendered shot; "" for an import (which meters nothing)
};

class CliBankCrashTest : public ::testing::Test {
 protected:
  CliBankCrashTest() : dir_("bank-crash"), bank_(dir_.path()), witness_(dir_.path()) {}

  void SetUp() override {
    for (const char* name : {"ana", "bo", "chen"}) doubles_.push_back(bank_.AddDouble(name, 0.6));
    fs::create_directories(Out());
    // Two takes of each shot: ana with bo, then ana with chen. Re-rendering a frame in the other
    // take hides a performer the first showed: what they are owed for it must stay.
    for (int s = 0; s < kShots; ++s) {
      for (int take = 0; take < 2; ++take) {
        const json agents = json::array({RenderBank::Agent(doubles_[0], "ana", -0.7),
                                         RenderBank::Agent(doubles_[1 + take], "other", 0.7)});
        std::ofstream(SceneFile(s, take))
            << bank_.Scene(Shot(s), "out/" + Shot(s) + ".####.exr", agents, kFrames).dump();
      }
    }
    bank_public_key_ = bank_.Json({"ledger", "head"})["head"]["public_key"];
  }

  static std::string Shot(int s) { return "sh" + std::to_string(s); }
  fs::path Out() const { return dir_.path() / "out"; }
  fs::path SceneFile(int s, int take) const {
    return dir_.path() / (Shot(s) + "_take" + std::to_string(take) + ".json");
  }
  fs::path LedgerFile() const { return fs::path(bank_.bank()) / "ledger" / "ledger.log"; }

  Command Render(int s, int take) const {
    return {"render " + Shot(s) + " take " + std::to_string(take),
            {"render", SceneFile(s, take).string(), "--quiet"},
            {{"FIGURANT_TEST_PLATE_DELAY_MS", kPlateDelayMs}},
            Shot(s)};
  }
  Command Import(int n) const {
    const std::string performer = bank_.PerformerOf(doubles_[n % doubles_.size()]);
    return {"scan import for " + performer,
            bank_.ScanImportArgs(performer, "extra" + std::to_string(n)),
            {{"FIGURANT_TEST_WRITE_DELAY_MS", kWriteDelayMs}},
            ""};
  }

  // Runs `c` to its end, timed [Units: us].
  int Timed(const Command& c) const {
    const auto t0 = std::chrono::steady_clock::now();
    const RunResult r = bank_.Run(c.args, c.env);
    const auto t1 = std::chrono::steady_clock::now();
    EXPECT_EQ(r.exit_code, 0) << c.what << ": " << r.err;
    return static_cast<int>(std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0).count());
  }

  // The bank hands its ledger to the witness, who countersigns its head.
  void WitnessHead() {
    const fs::path exported = dir_.path() / "witness-export.log";
    ASSERT_EQ(bank_.Run({"ledger", "export", exported.string()}).exit_code, 0);
    const RunResult w = witness_.Countersign(exported, bank_public_key_);
    ASSERT_EQ(w.exit_code, 0) << w.err;
  }

  // Every plate of every shot is metered and no temporary is named like a plate; the ledger
  // verifies, alone and against the witness. Counts the plates seen into `plates_`.
  std::string LedgerCoversPlates(const std::vector<MeteredFrame>& usage) {
    for (int s = 0; s < kShots; ++s) {
      std::string bad = UnmeteredPlates(Out(), Shot(s), usage, &plates_);
      if (!bad.empty()) return bad;
    }
    if (const std::string t = TempFileNamedLikeAPlate(Out()); !t.empty()) {
      return "a temporary file is named like a plate: " + t;
    }
    if (bank_.Json({"ledger", "verify"})["valid"] != true) return "the ledger does not verify";
    const RunResult v = witness_.Verify(LedgerFile(), bank_public_key_);
    if (v.exit_code != 0) return "the ledger does not extend the witnessed heads: " + v.err;
    return "";
  }

  // A plate that `c` published (new, or renamed over the one before) is of a frame `c` metered:
  // its usage was durable before its final name appeared. (Every frame was metered by earlier
  // renders already: only which command metered it tells a plate published unmetered.)
  std::string PublishedUnmetered(const Command& c, const PlateFiles& before,
                                 const std::set<Frame>& metered_by_c) {
    const std::regex plate(R"((sh\d+)\.(\d+)\.(exr|png|coverage\.json))");
    for (const auto& [name, inode] : PlatesIn(Out())) {
      std::smatch m;
      if (!std::regex_match(name, m, plate)) continue;
      const auto was = before.find(name);
      if (was != before.end() && was->second == inode) continue;
      ++published_;
      if (c.shot != m[1] || !metered_by_c.contains({m[1], std::stoi(m[2])})) {
        return name + " was published by " + c.what + ", which did not meter its frame";
      }
    }
    return "";
  }

  bool PlateExists(const Frame& f) const {
    char frame[16];
    std::snprintf(frame, sizeof frame, "%04d", f.second);
    return fs::exists(Out() / (f.first + "." + frame + ".exr"));
  }

  // What is owed never decreases; for frames whose plates exist it changes only when `c` metered
  // them (a render of their shot that wrote usage events for them).
  std::string OwedChangedWrongly(const Command& c, const Owed& before, const Owed& after,
                                 const std::set<Frame>& metered_by_c) {
    for (const auto& [frame, performers] : before) {
      const auto now = after.find(frame);
      for (const auto& [performer, doubles] : performers) {
        if (now == after.end() || !now->second.contains(performer) ||
            !std::includes(now->second.at(performer).begin(), now->second.at(performer).end(),
                           doubles.begin(), doubles.end())) {
          return "what " + performer + " is owed for " + FrameName(frame) + " decreased";
        }
      }
    }
    for (const auto& [frame, performers] : after) {
      const auto was = before.find(frame);
      const bool changed = was == before.end() || was->second != performers;
      if (!changed || !PlateExists(frame)) continue;
      if (c.shot != frame.first || !metered_by_c.contains(frame)) {
        return "what is owed for " + FrameName(frame) + " changed, yet " + c.what +
               " metered no such frame";
      }
    }
    return "";
  }

  TempDir dir_;
  RenderBank bank_;
  Witness witness_;
  std::vector<std::string> doubles_;
  std::string bank_public_key_;
  int plates_ = 0;     // plate files checked against the ledger, over all checks
  int published_ = 0;  // plate files the commands under test published (renamed into place)
};

TEST_F(CliBankCrashTest, EveryPlateIsMeteredAndNothingOwedIsLostWhereverCommandsAreKilled) {
  const auto start = std::chrono::steady_clock::now();
  // Each shot rendered whole once (take 0), and an import, timed: kills spread over a whole run.
  int render_us = 0;
  for (int s = 0; s < kShots; ++s) render_us = std::max(render_us, Timed(Render(s, 0)));
  const int import_us = Timed(Import(0));
  ASSERT_NO_FATAL_FAILURE(WitnessHead());

  std::mt19937 rng(20261207);
  std::vector<MeteredFrame> usage = bank_.Usage();
  int killed_renders = 0, killed_imports = 0;
  int killed_after_metering = 0;  // killed renders that had metered frames
  for (int i = 0; i < kKills; ++i) {
    const bool render = rng() % 4 != 0;  // three renders in four, one import
    const Command c =
        render ? Render(static_cast<int>(rng() % kShots), static_cast<int>(rng() % 2)) : Import(i);
    const int duration = render ? render_us : import_us;
    // Over a quarter more than the command's run: some complete, so whole runs are checked too.
    const int kill_after_us = static_cast<int>(rng() % static_cast<unsigned>(duration * 5 / 4));
    const PlateFiles plates_before = PlatesIn(Out());
    const RunResult r = bank_.RunAndKill(c.args, c.env, kill_after_us);
    if (r.signal == SIGKILL) ++(render ? killed_renders : killed_imports);
    if (r.signal != SIGKILL) {
      ASSERT_EQ(r.exit_code, 0) << c.what << ": " << r.err;
    }
    const std::string when = "after kill " + std::to_string(i) + " of " + c.what + " at " +
                             std::to_string(kill_after_us) + " us of " + std::to_string(duration);

    const std::vector<MeteredFrame> now = bank_.Usage();
    ASSERT_GE(now.size(), usage.size()) << when;
    ASSERT_EQ(LedgerCoversPlates(now), "") << when;
    ASSERT_EQ(IntegrityCheck(bank_.bank()), "ok") << when;
    const std::set<Frame> metered_by_c = MeteredSince(now, usage.size());
    ASSERT_EQ(PublishedUnmetered(c, plates_before, metered_by_c), "") << when;
    const Owed after = OwedPerFrame(bank_, now);
    ASSERT_EQ(StatementDisagrees(bank_, after), "") << when;
    ASSERT_EQ(
        OwedChangedWrongly(c, OwedPerFrame(bank_, usage), after, MeteredSince(now, usage.size())),
        "")
        << when;
    if (r.signal == SIGKILL && now.size() > usage.size()) ++killed_after_metering;
    usage = now;
    if (i % kWitnessEvery == kWitnessEvery - 1) {
      ASSERT_NO_FATAL_FAILURE(WitnessHead());
    }
  }
  // The test proves little unless most commands really died mid-run, with plates on disk.
  const int killed = killed_renders + killed_imports;
  EXPECT_GE(killed, kKills / 2);
  EXPECT_GT(killed_imports, 0);
  EXPECT_GT(plates_, 0);
  EXPECT_GE(killed_after_metering, kKills / 10);

  // The bank still works: a clean render succeeds, leaves no temporary, and meters every frame.
  const json done = bank_.Json({"render", SceneFile(0, 1).string(), "--quiet"});
  int frames_metered = 0;
  for (const MeteredFrame& u : bank_.Usage()) frames_metered += u.render == done["render"] ? 1 : 0;
  EXPECT_EQ(frames_metered, 2 * kFrames);  // two doubles in view in every frame
  EXPECT_EQ(TempFiles(Out()), 0);
  EXPECT_EQ(LedgerCoversPlates(bank_.Usage()), "");
  EXPECT_EQ(IntegrityCheck(bank_.bank()), "ok");

  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start)
          .count();
  RecordProperty("killed_mid_run", killed);
  RecordProperty("killed_after_metering", killed_after_metering);
  RecordProperty("plates_checked", plates_);
  RecordProperty("plates_published_by_killed_or_checked_runs", published_);
  RecordProperty("wall_seconds", static_cast<int>(seconds));
  std::printf(
      "killed mid-run: %d of %d (%d imports; %d renders after metering frames); plates published "
      "%d, plate files checked %d; %lld s\n",
      killed, kKills, killed_imports, killed_after_metering, published_, plates_,
      static_cast<long long>(seconds));
}

}  // namespace
}  // namespace figurant::testing
