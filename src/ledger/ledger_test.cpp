// Ledger tests in the style of LevelDB's db/log_test.cc: every byte flipped, entries dropped,
// reordered, duplicated and truncated — verification names the first bad entry each time — plus
// repair of torn tails and a SIGKILL crash test.
#include "ledger/ledger.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "core/file.h"
#include "ledger/metering.h"

namespace figurant::ledger {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    dir_ = fs::temp_directory_path() /
           ("figurant-ledger-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    key_ = GenerateSigningKeyPair();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Ledger> Open() {
    auto l = Ledger::Open(dir_, key_, clock_);
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    return l.ok() ? std::move(l).value() : nullptr;
  }

  // A ledger of `batches` batches of three usage events.
  std::string Build(int batches) {
    auto l = Open();
    for (int b = 0; b < batches; ++b) {
      std::vector<std::pair<EntryType, json>> ev;
      for (int i = 0; i < 3; ++i) {
        ev.push_back({EntryType::kUsage, {{"frame", b}, {"double", "dbl_" + std::to_string(i)}}});
      }
      EXPECT_TRUE(l->Append(ev).ok());
    }
    return *ReadFile(l->file());
  }

  std::optional<std::array<uint8_t, 32>> Key() const { return key_.public_key; }

  FixedClock clock_{1790000000};
  fs::path dir_;
  SigningKeyPair key_;
};

TEST_F(LedgerTest, AppendReopenAndVerify) {
  const std::string bytes = Build(4);
  auto v = VerifyLog(bytes, Key());
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->entries, 12u);
  EXPECT_EQ(v->heads, 5u);  // the empty-tree head plus one per batch
  auto l = Open();
  EXPECT_EQ(l->size(), 12u);
  EXPECT_EQ(l->head().tree_size, 12u);
  EXPECT_EQ(l->head().root, MerkleRoot(l->leaves()));
  auto e = l->Get(7);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(json::parse(e->payload)["frame"], 2);
}

TEST_F(LedgerTest, EveryFlippedByteIsCaughtAndNamed) {
  const std::string bytes = Build(3);
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    auto v = VerifyLog(bad, Key());
    ASSERT_FALSE(v.ok()) << "flip at byte " << i << " went unnoticed";
    EXPECT_EQ(v.status().code(), StatusCode::kDataLoss);
    const std::string& m = v.status().message();
    EXPECT_TRUE(m.find("entry ") != std::string::npos || m.find("head") != std::string::npos) << m;
  }
}

TEST_F(LedgerTest, FlippedEntryIsNamedExactly) {
  auto l = Open();
  std::vector<std::pair<EntryType, json>> ev;
  for (int i = 0; i < 10; ++i) ev.push_back({EntryType::kUsage, {{"i", i}}});
  ASSERT_TRUE(l->Append(ev).ok());
  const std::string bytes = *ReadFile(l->file());
  for (uint64_t k = 0; k < 10; ++k) {
    std::string bad = bytes;
    const uint64_t payload_at = (*l->Get(k)).offset + 8 + 49;  // inside entry k's payload
    bad[payload_at] = static_cast<char>(bad[payload_at] ^ 1);
    auto v = VerifyLog(bad, Key());
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.status().message().rfind("entry " + std::to_string(k) + " at byte", 0), 0u)
        << v.status().message();
  }
}

// Splits a log into records (each record's bytes).
std::vector<std::string> Records(const std::string& bytes) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos + 8 <= bytes.size()) {
    uint32_t len;
    std::memcpy(&len, bytes.data() + pos + 4, 4);
    out.push_back(bytes.substr(pos, 8 + len + 32));
    pos += 8 + len + 32;
  }
  return out;
}

std::string Join(const std::vector<std::string>& r) {
  std::string out;
  for (const auto& s : r) out += s;
  return out;
}

TEST_F(LedgerTest, DroppedReorderedDuplicatedAndTruncatedEntriesAreNamed) {
  const auto recs = Records(Build(2));  // head0, e0 e1 e2, head1, e3 e4 e5, head2
  ASSERT_EQ(recs.size(), 9u);
  auto dropped = recs;
  dropped.erase(dropped.begin() + 6);  // e4
  EXPECT_NE(VerifyLog(Join(dropped), Key()).status().message().find("entry 4 at byte"),
            std::string::npos);
  auto swapped = recs;
  std::swap(swapped[5], swapped[6]);  // e3 e4 → e4 e3
  EXPECT_NE(VerifyLog(Join(swapped), Key()).status().message().find("entry 3 at byte"),
            std::string::npos);
  auto duplicated = recs;
  duplicated.insert(duplicated.begin() + 3, recs[2]);  // e1 again after e1
  EXPECT_NE(VerifyLog(Join(duplicated), Key()).status().message().find("entry 2 at byte"),
            std::string::npos);
  const std::string all = Join(recs);
  const size_t e4_at = Join({recs.begin(), recs.begin() + 6}).size();
  auto truncated = VerifyLog(all.substr(0, e4_at + 20), Key());
  EXPECT_NE(truncated.status().message().find("entry 4 at byte"), std::string::npos)
      << truncated.status().message();
  // A head signed by someone else.
  SigningKeyPair other = GenerateSigningKeyPair();
  EXPECT_NE(VerifyLog(all, other.public_key).status().message().find("another key"),
            std::string::npos);
}

TEST_F(LedgerTest, TornTailIsRepairedOnOpenButMidLogDamageIsNot) {
  Build(3);
  const fs::path file = dir_ / "ledger.log";
  const std::string good = *ReadFile(file);
  // A crash in the middle of the next batch: half a record after the last head.
  {
    std::ofstream f(file, std::ios::app | std::ios::binary);
    f << std::string("FGLE\x40\x00\x00\x00partial", 15);
  }
  auto repaired = Open();
  ASSERT_NE(repaired, nullptr);
  EXPECT_EQ(repaired->size(), 9u);
  EXPECT_EQ(repaired->repaired_bytes(), 15u);
  repaired.reset();
  EXPECT_EQ(*ReadFile(file), good);
  // A flipped byte inside an acknowledged entry is tampering: refused, nothing truncated.
  std::string bad = good;
  bad[Records(good)[0].size() + 60] ^= 1;
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bad;
  auto refused = Ledger::Open(dir_, key_, clock_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(*ReadFile(file), bad);
}

TEST_F(LedgerTest, SigkillDuringAppendsLosesNoAcknowledgedEvent) {
  const std::string key_hex = ToHex(key_.secret_key);
  std::mt19937 rng(99);
  uint64_t acknowledged_max = 0;
  bool any = false;
  int killed = 0;
  constexpr int kKills = 100;
  for (int round = 0; round < kKills; ++round) {
    int out[2];
    ASSERT_EQ(::pipe(out), 0);
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::dup2(out[1], 1);
      ::close(out[0]);
      ::execl(LEDGER_APPEND_TOOL, LEDGER_APPEND_TOOL, dir_.c_str(), key_hex.c_str(), "1000", "50",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    std::this_thread::sleep_for(std::chrono::microseconds(1000 + rng() % 15000));
    ::kill(pid, SIGKILL);
    std::string acked;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(out[0], buf, sizeof buf)) > 0) acked.append(buf, static_cast<size_t>(n));
    ::close(out[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) ++killed;
    std::istringstream lines(acked);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      acknowledged_max = std::max<uint64_t>(acknowledged_max, std::stoull(line));
      any = true;
    }
    // Reopen (repairing any torn tail): it verifies and holds every acknowledged event.
    auto l = Ledger::Open(dir_, key_, clock_);
    ASSERT_TRUE(l.ok()) << "round " << round << ": " << l.status().ToString();
    ASSERT_TRUE(VerifyLog(*ReadFile((*l)->file()), Key()).ok()) << "round " << round;
    if (any) {
      ASSERT_GT((*l)->size(), acknowledged_max)
          << "round " << round << ": lost an acknowledged event";
    }
  }
  EXPECT_GE(killed, kKills / 2);
  EXPECT_TRUE(any);
}

TEST_F(LedgerTest, MeteringCountsDoublesAndSupersedesRerenders) {
  auto l = Open();
  FrameKey key{"prd_1", "sh010", 1001};
  std::vector<AgentUsage> agents = {{"a0", "dbl_1", "per_1", "lic_1", 120.5, 0.1, false, false},
                                    {"a1", "dbl_1", "per_1", "lic_1", 30, 0.15, true, false},
                                    {"a2", "dbl_2", "per_2", "lic_2", 0, 0.1, false, false}};
  auto n = MeterFrame(*l, "rnd_1", key, 24, agents, std::nullopt);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);  // dbl_2 is not visible; dbl_1's two agents are one event
  auto e = json::parse((*l->Get(l->size() - 1)).payload);
  EXPECT_DOUBLE_EQ(e["pixels"].get<double>(), 150.5);
  EXPECT_DOUBLE_EQ(e["height_fraction"].get<double>(), 0.15);
  EXPECT_TRUE(e["altered"].get<bool>());
  auto latest = LatestRenders(*l);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->at(key), "rnd_1");
  ASSERT_TRUE(MeterFrame(*l, "rnd_2", key, 24, agents, latest->at(key)).ok());
  EXPECT_EQ(LatestRenders(*l)->at(key), "rnd_2");
  EXPECT_EQ((*l->Get(l->size() - 2)).type, EntryType::kSupersede);
}

}  // namespace
}  // namespace figurant::ledger
