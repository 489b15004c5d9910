// Ledger tests in the style of LevelDB's db/log_test.cc: every byte flipped, entries dropped,
// reordered, duplicated and truncated — verification names the first bad entry each time — plus
// repair of torn tails and a SIGKILL crash test; and several writers sharing one log.
#include "ledger/ledger.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <random>
#include <span>
#include <sstream>
#include <thread>
#include <tuple>

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

  // Appends one more batch, of two usage entries, and closes the ledger.
  void AppendTwoEntries() {
    auto l = Open();
    ASSERT_NE(l, nullptr);
    ASSERT_TRUE(l->Append({{EntryType::kUsage, {{"x", 1}}}, {EntryType::kUsage, {{"x", 2}}}}).ok());
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

// Every byte of a log with licence and usage entries and several heads, flipped in turn (each of
// the eight bits, in rotation): verification fails and names exactly the record holding the byte —
// its entry number and its starting offset — never a later one.
TEST_F(LedgerTest, EveryFlippedByteIsCaughtAndNamed) {
  {
    auto l = Open();
    ASSERT_TRUE(
        l->Append({{EntryType::kLicenceSigned, {{"licence", "lic_1"}, {"terms", "{}"}}}}).ok());
  }
  const std::string bytes = Build(3);
  const auto recs = Records(bytes);
  ASSERT_EQ(Join(recs), bytes);
  size_t offset = 0;
  uint64_t entries_before = 0;
  for (const std::string& rec : recs) {
    const bool head = rec.compare(0, 4, "FGLH") == 0;
    const std::string where = "at byte " + std::to_string(offset);
    const std::string who =
        (head ? "head after entry " : "entry ") + std::to_string(entries_before);
    for (size_t i = 0; i < rec.size(); ++i) {
      std::string bad = bytes;
      bad[offset + i] = static_cast<char>(bad[offset + i] ^ (1 << ((offset + i) % 8)));
      auto v = VerifyLog(bad, Key());
      ASSERT_FALSE(v.ok()) << "flip at byte " << offset + i << " went unnoticed";
      EXPECT_EQ(v.status().code(), StatusCode::kDataLoss);
      const std::string& m = v.status().message();
      // A flipped magic cannot say which kind of record it was: "record at byte X ... (entry k
      // expected)". Everything else names the record by kind and number.
      const bool named = m.find(who + " " + where) != std::string::npos ||
                         (m.find("record " + where) != std::string::npos &&
                          m.find("(entry " + std::to_string(entries_before)) != std::string::npos);
      ASSERT_TRUE(named) << "flip at byte " << offset + i << " (" << who << " " << where
                         << ") reported as: " << m;
    }
    offset += rec.size();
    if (!head) ++entries_before;
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

// Every prefix of a real batch is what a crash mid-write can leave: each one is cut away on open,
// and nothing acknowledged is lost.
TEST_F(LedgerTest, EveryPrefixOfABatchIsATornTailAndIsRepaired) {
  Build(2);
  const fs::path file = dir_ / "ledger.log";
  const std::string good = *ReadFile(file);
  AppendTwoEntries();
  const std::string batch = ReadFile(file)->substr(good.size());
  for (size_t cut = 1; cut < batch.size(); ++cut) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << good << batch.substr(0, cut);
    auto l = Ledger::Open(dir_, key_, clock_);
    ASSERT_TRUE(l.ok()) << "cut at " << cut << ": " << l.status().ToString();
    EXPECT_EQ((*l)->size(), 6u);
    EXPECT_EQ((*l)->repaired_bytes(), cut);
    l->reset();
    ASSERT_EQ(*ReadFile(file), good) << "cut at " << cut;
  }
}

// Sets the check field of the head record at `at` to the SHA-256 of its (edited) body, as someone
// who edits a head would.
void ResealHead(std::string& log, size_t at) {
  const Hash sum = Sha256(std::string_view(log).substr(at + 8, 176));
  log.replace(at + 8 + 176, 32, reinterpret_cast<const char*>(sum.data()), 32);
}

// Anything else is not a crash's residue: a file that is not a ledger, damage in the middle, a
// complete final record that does not verify, a partial record that is not the one the log expects
// next. Opening fails with DataLoss naming the file and the byte, and the file is left exactly as
// it was — never cut back (a scene's output written over the ledger used to empty it).
TEST_F(LedgerTest, WhatIsNotATornTailIsRefusedAndLeftAsItIs) {
  Build(2);
  const fs::path file = dir_ / "ledger.log";
  const std::string good = *ReadFile(file);
  AppendTwoEntries();
  const std::string longer = *ReadFile(file);
  const auto recs = Records(longer);
  const std::string unsigned_tail = longer.substr(0, longer.size() - recs.back().size());
  std::mt19937 rng(13);
  std::string garbage(3000, '\0');
  for (char& c : garbage) c = static_cast<char>(rng());
  std::vector<std::pair<std::string, std::string>> cases = {
      {"a PNG written over the ledger", std::string("\x89PNG\r\n\x1a\n", 8) + garbage},
      {"garbage", garbage},
      {"an empty file", ""},
      {"the start of a ledger and nothing else", good.substr(0, 100)},
      {"wrong magic", "XXXX" + good.substr(4)},
      {"zeros after the last head", good + std::string(4096, '\0')},
      {"text after the last head", good + "hello, ledger"},
      {"a PNG after the last head", good + std::string("\x89PNG\r\n\x1a\n", 8) + garbage}};
  // Damage in the middle of the unsigned entries of a batch, with no complete head after it.
  std::string mid = unsigned_tail;
  mid[good.size() + 60] ^= 1;
  cases.emplace_back("a bad entry in the middle", mid);
  // A complete final entry that does not hash to its check.
  std::string last = unsigned_tail;
  last[last.size() - 40] ^= 1;
  cases.emplace_back("a complete final entry with a bad hash", last);
  // A complete final head, its check recomputed, whose signature does not verify.
  std::string forged = longer;
  forged[longer.size() - recs.back().size() + 8 + 112] ^= 1;
  ResealHead(forged, longer.size() - recs.back().size());
  cases.emplace_back("a final head with a bad signature", forged);
  // Partial records that are not the record the log expects next.
  const std::string next_entry = longer.substr(good.size(), 8 + 49);
  std::string wrong_seq = next_entry;
  wrong_seq[8 + 1] ^= 1;
  cases.emplace_back("a partial entry with the wrong sequence number", good + wrong_seq);
  std::string wrong_prev = next_entry;
  wrong_prev[8 + 20] ^= 1;
  cases.emplace_back("a partial entry that does not chain", good + wrong_prev);
  cases.emplace_back("a partial entry of unknown type",
                     good + next_entry.substr(0, 8) + std::string(1, '\x7f'));
  cases.emplace_back("a partial entry of impossible length",
                     good + std::string("FGLE\xff\xff\xff\x7f", 8) + next_entry.substr(8, 9));
  const std::string& head_rec = recs.back();
  std::string wrong_head = head_rec.substr(0, 8 + 16 + 32);
  wrong_head[8 + 20] ^= 1;  // the root
  cases.emplace_back("a partial head over another tree", unsigned_tail + wrong_head);
  for (const auto& [name, bytes] : cases) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
    auto l = Ledger::Open(dir_, key_, clock_);
    ASSERT_FALSE(l.ok()) << name << ": opened";
    EXPECT_EQ(l.status().code(), StatusCode::kDataLoss) << name;
    const std::string& m = l.status().message();
    EXPECT_NE(m.find(file.string()), std::string::npos) << name << ": " << m;
    EXPECT_NE(m.find("byte"), std::string::npos) << name << ": " << m;
    EXPECT_EQ(*ReadFile(file), bytes) << name << ": the file was changed";
  }
}

TEST_F(LedgerTest, TornTailIsRepairedOnOpenButMidLogDamageIsNot) {
  Build(3);
  const fs::path file = dir_ / "ledger.log";
  const std::string good = *ReadFile(file);
  // A crash in the middle of the next batch: the start of its first entry after the last head.
  {
    auto l = Open();
    ASSERT_TRUE(l->Append({{EntryType::kUsage, {{"x", 1}}}}).ok());
  }
  const std::string partial = ReadFile(file)->substr(good.size(), 15);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << good << partial;
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
  // A flipped byte in the newest head: that batch was acknowledged, so it is not a crash residue.
  std::string bad_head = good;
  bad_head[good.size() - 40] ^= 1;
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bad_head;
  auto refused_head = Ledger::Open(dir_, key_, clock_);
  ASSERT_FALSE(refused_head.ok());
  EXPECT_NE(refused_head.status().message().find("head after entry 9"), std::string::npos)
      << refused_head.status().message();
  EXPECT_EQ(*ReadFile(file), bad_head);
}

// What a SIGKILL leaves mid-batch: complete entries of the batch, then part of the next record, no
// head. All of it goes; everything acknowledged stays.
TEST_F(LedgerTest, UnsignedEntriesAfterTheLastHeadAreRepaired) {
  Build(2);
  const fs::path file = dir_ / "ledger.log";
  const std::string acknowledged = *ReadFile(file);
  AppendTwoEntries();
  const std::string longer = *ReadFile(file);
  const auto recs = Records(longer);
  // Everything of the third batch but the last 10 bytes of its second entry (and its head).
  const size_t keep = longer.size() - recs.back().size() - 10;
  std::ofstream(file, std::ios::binary | std::ios::trunc) << longer.substr(0, keep);
  auto l = Open();
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->size(), 6u);
  EXPECT_EQ(l->repaired_bytes(), keep - acknowledged.size());
  l.reset();
  EXPECT_EQ(*ReadFile(file), acknowledged);
}

TEST_F(LedgerTest, SigkillDuringAppendsLosesNoAcknowledgedEvent) {
  const std::string key_hex = ToHex(key_.secret_key);
  std::mt19937 rng(99);
  uint64_t acknowledged_max = 0;
  bool any = false;
  int killed = 0, repaired = 0;
  constexpr int kKills = 100;
  for (int round = 0; round < kKills; ++round) {
    int out[2];
    ASSERT_EQ(::pipe(out), 0);
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::dup2(out[1], 1);
      ::close(out[0]);
      // Each batch (~8 KB) is written in 512-byte pieces 300 µs apart: about as long as its
      // fsync, so kills land before, during and after the write of a batch.
      ::execl(LEDGER_APPEND_TOOL, LEDGER_APPEND_TOOL, dir_.c_str(), key_hex.c_str(), "1000", "50",
              "512", "300", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    // Kill relative to the writer's progress, not to the fork: on a loaded machine, starting the
    // tool alone can outlast a fixed delay, and the kill would never land mid-batch. Wait for the
    // first acknowledged batch (the writer is in its loop), then kill within the next ~2 batches.
    std::string acked;
    char buf[4096];
    ssize_t n;
    while (acked.find('\n') == std::string::npos && (n = ::read(out[0], buf, sizeof buf)) > 0) {
      acked.append(buf, static_cast<size_t>(n));
    }
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 10000));
    ::kill(pid, SIGKILL);
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
    if ((*l)->repaired_bytes() > 0) ++repaired;
    ASSERT_TRUE(VerifyLog(*ReadFile((*l)->file()), Key()).ok()) << "round " << round;
    if (any) {
      ASSERT_GT((*l)->size(), acknowledged_max)
          << "round " << round << ": lost an acknowledged event";
      auto last = (*l)->Get(acknowledged_max);
      ASSERT_TRUE(last.ok()) << last.status().ToString();
      EXPECT_EQ(last->type, EntryType::kUsage);
      EXPECT_EQ(json::parse(last->payload).value("double", ""), "dbl_49");  // a batch's last
    }
  }
  EXPECT_GE(killed, kKills / 2);
  EXPECT_TRUE(any);
  // The point of the test: many kills tore a batch, and open repaired it.
  EXPECT_GE(repaired, kKills / 10);
  std::printf("%d of %d kills tore a batch mid-write; all repaired on open\n", repaired, kKills);
}

// Two exports of the same ledger, a day apart: the RFC 9162 consistency proof between their newest
// heads verifies. A bank that rewrites one old event and re-signs everything with its own (valid)
// key produces a log that verifies on its own, but not against the head a performer kept.
TEST_F(LedgerTest, ConsistencyProofAcrossTwoExports) {
  const std::string yesterday = Build(3);
  {
    auto l = Open();
    for (int b = 0; b < 4; ++b) {
      ASSERT_TRUE(l->Append({{EntryType::kUsage, {{"frame", 100 + b}}},
                             {EntryType::kUsage, {{"frame", 200 + b}}}})
                      .ok());
    }
  }
  const std::string today = *ReadFile(dir_ / "ledger.log");
  auto old_report = VerifyLog(yesterday, Key());
  std::vector<Hash> leaves;
  auto new_report = VerifyLog(today, Key(), &leaves);
  ASSERT_TRUE(old_report.ok() && new_report.ok());
  const SignedHead& kept = old_report->last_head;
  const SignedHead& now = new_report->last_head;
  ASSERT_EQ(kept.tree_size, 9u);
  ASSERT_EQ(now.tree_size, 17u);
  ASSERT_EQ(leaves.size(), 17u);
  EXPECT_TRUE(kept.SignatureValid());
  const auto proof = ConsistencyProof(leaves, kept.tree_size);
  EXPECT_TRUE(VerifyConsistency(kept.tree_size, now.tree_size, kept.root, now.root, proof));
  // A kept head round-trips through its JSON form (what a performer stores).
  auto restored = SignedHead::FromJson(kept.ToJson());
  ASSERT_TRUE(restored.ok());
  EXPECT_TRUE(restored->SignatureValid());
  EXPECT_EQ(restored->root, kept.root);

  // The rewrite: the same history with entry 4 changed, signed with the same key.
  const fs::path other = dir_ / "rewritten";
  {
    auto l = Ledger::Open(other, key_, clock_);
    ASSERT_TRUE(l.ok());
    for (int b = 0; b < 3; ++b) {
      std::vector<std::pair<EntryType, json>> ev;
      for (int i = 0; i < 3; ++i) {
        json payload = {{"frame", b}, {"double", "dbl_" + std::to_string(i)}};
        if (b == 1 && i == 1) payload["frame"] = 0;  // entry 4 is rewritten
        ev.push_back({EntryType::kUsage, payload});
      }
      ASSERT_TRUE((*l)->Append(ev).ok());
    }
    ASSERT_TRUE((*l)->Append({{EntryType::kUsage, {{"frame", 9}}}}).ok());
  }
  std::vector<Hash> forged_leaves;
  auto forged = VerifyLog(*ReadFile(other / "ledger.log"), Key(), &forged_leaves);
  ASSERT_TRUE(forged.ok()) << "a re-signed rewrite verifies on its own";
  ASSERT_EQ(std::vector<Hash>(forged_leaves.begin(), forged_leaves.begin() + 4),
            std::vector<Hash>(leaves.begin(), leaves.begin() + 4));
  ASSERT_NE(forged_leaves[4], leaves[4]);
  const auto forged_proof = ConsistencyProof(forged_leaves, kept.tree_size);
  EXPECT_FALSE(VerifyConsistency(kept.tree_size, forged->last_head.tree_size, kept.root,
                                 forged->last_head.root, forged_proof));
  EXPECT_NE(MerkleRoot(std::span<const Hash>(forged_leaves).subspan(0, kept.tree_size)), kept.root);
}

// Inclusion proofs for random entries against the newest signed head; a proof never vouches for an
// entry whose bytes changed.
TEST_F(LedgerTest, InclusionProofsForRandomEvents) {
  auto l = Open();
  for (int b = 0; b < 20; ++b) {
    std::vector<std::pair<EntryType, json>> ev;
    for (int i = 0; i < 1 + b % 7; ++i) ev.push_back({EntryType::kUsage, {{"b", b}, {"i", i}}});
    ASSERT_TRUE(l->Append(ev).ok());
  }
  const SignedHead head = l->head();
  ASSERT_EQ(head.tree_size, l->size());
  std::mt19937 rng(3);
  for (int trial = 0; trial < 60; ++trial) {
    const uint64_t seq = rng() % l->size();
    auto e = l->Get(seq);
    ASSERT_TRUE(e.ok());
    const auto proof = InclusionProof(l->leaves(), seq);
    EXPECT_TRUE(VerifyInclusion(e->leaf, seq, head.tree_size, proof, head.root)) << seq;
    // The leaf recomputed from the entry's bytes is what the proof binds.
    std::string body(1, static_cast<char>(e->type));
    body.append(reinterpret_cast<const char*>(&e->seq), 8);
    body.append(reinterpret_cast<const char*>(&e->time), 8);
    body.append(reinterpret_cast<const char*>(e->prev.data()), 32);
    body += e->payload;
    EXPECT_EQ(LeafHash(reinterpret_cast<const uint8_t*>(body.data()), body.size()), e->leaf);
    body.back() = static_cast<char>(body.back() ^ 1);
    EXPECT_FALSE(
        VerifyInclusion(LeafHash(reinterpret_cast<const uint8_t*>(body.data()), body.size()), seq,
                        head.tree_size, proof, head.root));
  }
}

TEST_F(LedgerTest, OpenRefusesALogSignedByAnotherKey) {
  Build(1);
  auto other = Ledger::Open(dir_, GenerateSigningKeyPair(), clock_);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(other.status().message().find("another key"), std::string::npos);
}

TEST_F(LedgerTest, HeadTimeNeverGoesBackwards) {
  auto l = Open();
  ASSERT_TRUE(l->Append({{EntryType::kUsage, {{"i", 1}}}}).ok());
  const int64_t t = l->head().time;
  clock_.Advance(-86400);  // the system clock steps back a day
  ASSERT_TRUE(l->Append({{EntryType::kUsage, {{"i", 2}}}}).ok());
  EXPECT_EQ(l->head().time, t);
  EXPECT_TRUE(VerifyLog(*ReadFile(l->file()), Key()).ok());
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

// Metering refuses, before writing anything, what the usage parser would refuse on reading.
TEST_F(LedgerTest, MeteringRefusesWhatItsParserWouldRefuse) {
  auto l = Open();
  const FrameKey key{"prd_1", "sh010", 1001};
  const uint64_t before = l->size();
  AgentUsage a{"a0", "dbl_1", "per_1", "lic_1", 10, 0.1, false, false};
  EXPECT_EQ(MeterFrame(*l, "rnd_1", key, 0, {a}, std::nullopt).status().code(),
            StatusCode::kInvalidArgument);
  a.height_fraction = std::numeric_limits<double>::infinity();
  const auto inf = MeterFrame(*l, "rnd_1", key, 24, {a}, std::nullopt);
  EXPECT_EQ(inf.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(inf.status().message().find("agent a0"), std::string::npos) << inf.status().message();
  a.pixels = 0;  // not on screen: not metered, so not refused
  EXPECT_TRUE(MeterFrame(*l, "rnd_1", key, 24, {a}, std::nullopt).ok());
  EXPECT_EQ(l->size(), before);
}

// ---- several writers (docs/ledger.md, "Several writers"): Ledger objects in one process and in
// forked processes append interleaved batches to one file; every event is there exactly once, in
// one sequence, and the log verifies. Readers catch up with Refresh, see only complete batches,
// and refuse what others appended when it does not verify.

constexpr int kEventsPerBatch = 3;

// One batch of `kEventsPerBatch` events naming their writer, batch and place in it.
std::vector<std::pair<EntryType, json>> Batch(int writer, int batch) {
  std::vector<std::pair<EntryType, json>> events;
  events.reserve(kEventsPerBatch);
  for (int i = 0; i < kEventsPerBatch; ++i) {
    events.push_back({EntryType::kUsage, {{"writer", writer}, {"batch", batch}, {"i", i}}});
  }
  return events;
}

// How many times each (writer, batch, i) is in the verified log of `dir`.
std::map<std::tuple<int, int, int>, int> Census(const fs::path& dir, const SigningKeyPair& key) {
  std::map<std::tuple<int, int, int>, int> seen;
  const std::string bytes = *ReadFile(dir / "ledger.log");
  const auto report = ReadLog(bytes, key.public_key, [&](const Entry& e) {
    const json p = json::parse(e.payload);
    ++seen[{p["writer"].get<int>(), p["batch"].get<int>(), p["i"].get<int>()}];
    return Status::Ok();
  });
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  return seen;
}

// Two Ledgers open at once on one file (a server and a CLI render): neither blocks the other, each
// append chains onto the other's, and Refresh brings a reader up to date.
TEST_F(LedgerTest, TwoLedgersInOneProcessInterleaveBatches) {
  auto a = Open();
  auto b = Open();  // opening while `a` is open used to wait for ever on its lock
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  for (int batch = 0; batch < 20; ++batch) {
    Ledger& writer = batch % 2 == 0 ? *a : *b;
    const auto seqs = writer.Append(Batch(batch % 2, batch));
    ASSERT_TRUE(seqs.ok()) << seqs.status().ToString();
    EXPECT_EQ(seqs->front(), static_cast<uint64_t>(batch * kEventsPerBatch));
  }
  EXPECT_EQ(b->size(), 20u * kEventsPerBatch);
  EXPECT_EQ(a->size(), 19u * kEventsPerBatch);  // b's last batch is not read yet
  ASSERT_TRUE(a->Refresh().ok());
  EXPECT_EQ(a->size(), 20u * kEventsPerBatch);
  EXPECT_EQ(a->head().root, b->head().root);
  EXPECT_EQ(a->leaves(), b->leaves());
  // Every entry reads back through either Ledger, the other's included.
  for (uint64_t seq = 0; seq < a->size(); ++seq) {
    ASSERT_TRUE(a->Get(seq).ok()) << seq;
    ASSERT_TRUE(b->Get(seq).ok()) << seq;
  }
  const auto seen = Census(dir_, key_);
  EXPECT_EQ(seen.size(), 20u * kEventsPerBatch);
  for (const auto& [event, count] : seen) EXPECT_EQ(count, 1);
}

// Four processes × 200 batches, all appending at once through Ledgers opened before any of them
// wrote: every event is in the log exactly once, numbered in one sequence, and the log verifies.
TEST_F(LedgerTest, ForkedWritersLoseAndRepeatNothing) {
  constexpr int kWriters = 4;
  constexpr int kBatches = 200;
  ASSERT_NE(Open(), nullptr);  // the log exists before the writers start
  std::vector<pid_t> children;
  for (int w = 0; w < kWriters; ++w) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto l = Ledger::Open(dir_, key_, clock_);
      int failures = l.ok() ? 0 : 1;
      for (int b = 0; l.ok() && b < kBatches; ++b) {
        if (!(*l)->Append(Batch(w, b)).ok()) ++failures;
      }
      ::_exit(failures == 0 ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (const pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "writer failed: " << status;
  }
  const auto report = VerifyLog(*ReadFile(dir_ / "ledger.log"), key_.public_key);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->entries, uint64_t{kWriters} * kBatches * kEventsPerBatch);
  const auto seen = Census(dir_, key_);
  EXPECT_EQ(seen.size(), size_t{kWriters} * kBatches * kEventsPerBatch);
  for (const auto& [event, count] : seen) EXPECT_EQ(count, 1);
  auto reopened = Open();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->repaired_bytes(), 0u);
}

// A batch half written — by a writer still at work, or one that crashed — is not seen by Refresh,
// which leaves it alone; the next append, under the writers' lock, cuts it away and goes on.
TEST_F(LedgerTest, RefreshSeesOnlyCompleteBatches) {
  auto reader = Open();
  auto writer = Open();
  ASSERT_TRUE(writer->Append(Batch(0, 0)).ok());
  const uint64_t before = fs::file_size(writer->file());
  ASSERT_TRUE(writer->Append(Batch(0, 1)).ok());
  const uint64_t after = fs::file_size(writer->file());
  fs::resize_file(writer->file(), before + (after - before) / 2);
  const uint64_t torn = fs::file_size(writer->file());

  // Whether a writer holds the lock (the batch is being written) or not (its writer died).
  const int lock_fd = ::open((dir_ / "ledger.lock").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(lock_fd, 0);
  ASSERT_EQ(::flock(lock_fd, LOCK_EX), 0);
  ASSERT_TRUE(reader->Refresh().ok());
  EXPECT_EQ(reader->size(), 1u * kEventsPerBatch);
  ASSERT_EQ(::flock(lock_fd, LOCK_UN), 0);
  ::close(lock_fd);
  ASSERT_TRUE(reader->Refresh().ok());
  EXPECT_EQ(reader->size(), 1u * kEventsPerBatch);
  EXPECT_EQ(fs::file_size(reader->file()), torn);  // a reader repairs nothing

  const auto seqs = reader->Append(Batch(1, 0));
  ASSERT_TRUE(seqs.ok()) << seqs.status().ToString();
  EXPECT_EQ(seqs->front(), 1u * kEventsPerBatch);
  EXPECT_EQ(reader->repaired_bytes(), torn - before);
  EXPECT_TRUE(VerifyLog(*ReadFile(reader->file()), key_.public_key).ok());
}

// What another process appended is verified as Open verifies it: an altered byte in it is DataLoss
// naming the entry, for a reader and for a writer, which writes nothing.
TEST_F(LedgerTest, AnAlteredBatchFromAnotherWriterIsRefused) {
  auto a = Open();
  auto b = Open();
  ASSERT_TRUE(a->Append(Batch(0, 0)).ok());
  const uint64_t before = fs::file_size(a->file());
  ASSERT_TRUE(b->Append(Batch(1, 0)).ok());
  {
    // In place, as damage on disk would be: both Ledgers keep the file open.
    std::fstream f(a->file(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(before + 20));  // the time field of b's first entry
    char c = 0;
    f.get(c);
    f.seekp(static_cast<std::streamoff>(before + 20));
    f.put(static_cast<char>(c ^ 1));
  }
  const uint64_t damaged_size = fs::file_size(a->file());
  const Status refreshed = a->Refresh();
  EXPECT_EQ(refreshed.code(), StatusCode::kDataLoss);
  EXPECT_NE(refreshed.message().find("entry 3 at byte " + std::to_string(before)),
            std::string::npos)
      << refreshed.message();
  EXPECT_EQ(a->size(), 1u * kEventsPerBatch);
  const auto appended = a->Append(Batch(0, 1));
  EXPECT_EQ(appended.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(fs::file_size(a->file()), damaged_size);
}

// AppendSelected decides what to write under the writers' lock, having read what the others
// appended: an event one writer recorded is not recorded again by another that selects only what
// is missing; a selection's error writes nothing.
TEST_F(LedgerTest, AppendSelectedSeesWhatOthersAppendedBeforeItChooses) {
  auto a = Open();
  auto b = Open();
  const std::pair<EntryType, std::string> fact{EntryType::kPerformerErased,
                                               R"({"performer":"per_1"})"};
  const Ledger::SelectFn unless_recorded = [&](const Ledger& l) -> Result<Ledger::Events> {
    bool recorded = false;
    FIGURANT_RETURN_IF_ERROR(l.ForEachSince(0, [&](const Entry& e) {
      recorded = recorded || (e.type == fact.first && e.payload == fact.second);
      return Status::Ok();
    }));
    return recorded ? Ledger::Events{} : Ledger::Events{fact};
  };
  ASSERT_EQ(a->AppendSelected(unless_recorded)->size(), 1u);
  const auto again = b->AppendSelected(unless_recorded);  // b had not read a's entry
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->empty());
  EXPECT_EQ(b->size(), 1u);
  const uint64_t bytes = fs::file_size(b->file());
  const auto refused =
      b->AppendSelected([](const Ledger&) -> Result<Ledger::Events> { return Internal("no"); });
  EXPECT_EQ(refused.status().code(), StatusCode::kInternal);
  EXPECT_EQ(fs::file_size(b->file()), bytes);
}

}  // namespace
}  // namespace figurant::ledger
