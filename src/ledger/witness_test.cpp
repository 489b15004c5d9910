// Witness key files, witness logs and the check that a ledger extends every witnessed head: the
// attacks of someone holding the bank's key (cut back, drop an event and re-sign) and of someone
// editing the witness log, each named exactly.
#include "ledger/witness.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/file.h"

namespace figurant::ledger {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

class WitnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    dir_ = fs::temp_directory_path() /
           ("figurant-witness-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    bank_key_ = GenerateSigningKeyPair();
    witness_key_ = GenerateSigningKeyPair();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The ledger in `name`, with `events` usage events appended one batch each; its bytes.
  std::string Log(const std::string& name, const std::vector<int>& events) {
    auto l = Ledger::Open(dir_ / name, bank_key_, clock_);
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    for (int e : events) EXPECT_TRUE((*l)->Append({{EntryType::kUsage, {{"event", e}}}}).ok());
    return *ReadFile((*l)->file());
  }

  struct Verified {
    std::vector<Hash> leaves;
    SignedHead head;
  };
  Verified Verify(const std::string& bytes) {
    Verified v;
    auto r = VerifyLog(bytes, bank_key_.public_key, &v.leaves);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok()) v.head = r->last_head;
    return v;
  }

  // Countersigns the newest head of each log in turn into one witness log's text.
  std::string Witness(const std::vector<std::string>& logs) {
    std::string text;
    for (const std::string& bytes : logs) {
      auto log = ParseWitnessLog(text, "W", witness_key_.public_key);
      EXPECT_TRUE(log.ok()) << log.status().ToString();
      text += CountersignHead(*log, Verify(bytes).head, witness_key_, clock_.Now()) + "\n";
      clock_.Advance(3600);
    }
    return text;
  }

  Status Check(const std::string& witness_text, const std::string& ledger_bytes) {
    auto log = ParseWitnessLog(witness_text, "W", witness_key_.public_key);
    if (!log.ok()) return log.status();
    const Verified v = Verify(ledger_bytes);
    return CheckExtendsWitnessed(*log, v.leaves, v.head, "W").status();
  }

  FixedClock clock_{1790000000};
  fs::path dir_;
  SigningKeyPair bank_key_, witness_key_;
};

TEST_F(WitnessTest, KeyFileIsCreatedOnceOnlyReadableByItsOwnerAndReadBack) {
  const fs::path file = dir_ / "union.witness-key";
  auto created = CreateWitnessKey(file);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto key = ReadWitnessKey(file);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->public_key, *created);
  // Never overwritten.
  const std::string before = *ReadFile(file);
  auto again = CreateWitnessKey(file);
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(*ReadFile(file), before);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
  // A secret key that is not the public key's.
  json mixed = json::parse(before);
  mixed["public_key"] = ToHex(GenerateSigningKeyPair().public_key);
  std::ofstream(dir_ / "mixed") << mixed.dump();
  auto bad = ReadWitnessKey(dir_ / "mixed");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("do not belong together"), std::string::npos);
  std::ofstream(dir_ / "garbage") << "figurant-ed25519-v1\n00";
  EXPECT_EQ(ReadWitnessKey(dir_ / "garbage").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(WitnessTest, ALedgerThatGrowsExtendsEveryWitnessedHead) {
  const std::string small = Log("a", {1, 2, 3});
  const std::string larger = Log("a", {4, 5});
  const std::string w = Witness({small, larger});
  const std::string largest = Log("a", {6});
  auto log = ParseWitnessLog(w, "W", witness_key_.public_key);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_EQ(log->heads.size(), 2u);
  EXPECT_EQ(log->heads[1].bank_head.tree_size, 5u);
  const Verified v = Verify(largest);
  auto check = CheckExtendsWitnessed(*log, v.leaves, v.head, "W");
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_EQ(check->heads, 2u);
  EXPECT_EQ(check->newest.line, 1u);
  EXPECT_TRUE(VerifyConsistency(5, 6, log->heads[1].bank_head.root, v.head.root, check->proof));
  // The witnessed head itself is consistent with the ledger it came from.
  EXPECT_TRUE(Check(w, larger).ok());
}

// Whoever holds the bank's key writes a shorter ledger, or drops one event and re-signs the rest:
// each verifies on its own, and each contradicts the head the witness kept.
TEST_F(WitnessTest, CutBackOrRewrittenLedgersContradictTheWitnessedHead) {
  Log("bank", {1, 2, 3});
  const std::string w = Witness({Log("bank", {4})});  // witnessed at 4 entries
  Log("bank", {5});

  const std::string cut = Log("cut", {1, 2, 3});
  const Status cut_back = Check(w, cut);
  EXPECT_EQ(cut_back.code(), StatusCode::kDataLoss);
  EXPECT_NE(cut_back.message().find("W line 0 (the head of 4 entries"), std::string::npos)
      << cut_back.message();
  EXPECT_NE(cut_back.message().find("cut back"), std::string::npos) << cut_back.message();

  const std::string dropped = Log("dropped", {1, 3, 4, 5});  // event 2 dropped, re-signed
  const Status rewritten = Check(w, dropped);
  EXPECT_EQ(rewritten.code(), StatusCode::kDataLoss);
  EXPECT_NE(rewritten.message().find("W line 0 (the head of 4 entries"), std::string::npos)
      << rewritten.message();
  EXPECT_NE(rewritten.message().find("rewritten"), std::string::npos) << rewritten.message();

  const std::string changed = Log("changed", {1, 2, 3, 40, 5});  // one event changed
  EXPECT_NE(Check(w, changed).message().find("rewritten"), std::string::npos);
  // Another bank's ledger.
  bank_key_ = GenerateSigningKeyPair();
  EXPECT_NE(Check(w, Log("other", {1, 2, 3, 4})).message().find("signed by bank key"),
            std::string::npos);
}

// A witness log is itself tamper-evident: every edit is named by line.
TEST_F(WitnessTest, EditedWitnessLogsAreNamedByLine) {
  const std::string w = Witness({Log("a", {1}), Log("a", {2}), Log("a", {3}), Log("a", {4})});
  std::vector<std::string> lines;
  for (size_t at = 0, end; (end = w.find('\n', at)) != std::string::npos; at = end + 1) {
    lines.push_back(w.substr(at, end - at));
  }
  ASSERT_EQ(lines.size(), 4u);
  const auto join = [](const std::vector<std::string>& ls) {
    std::string out;
    for (const auto& l : ls) out += l + "\n";
    return out;
  };
  const auto error = [&](const std::string& text) {
    auto log = ParseWitnessLog(text, "W", witness_key_.public_key);
    EXPECT_FALSE(log.ok()) << text;
    return log.ok() ? std::string() : log.status().message();
  };
  // A witnessed head made to look smaller (to cover for a cut-back ledger).
  json smaller = json::parse(lines[2]);
  smaller["bank_head"]["tree_size"] = 1;
  auto edited = lines;
  edited[2] = smaller.dump();
  EXPECT_NE(error(join(edited)).find("W line 2: the witness's signature does not verify"),
            std::string::npos);
  // A line removed.
  auto removed = lines;
  removed.erase(removed.begin() + 1);
  EXPECT_NE(error(join(removed)).find("W line 1: numbered 2"), std::string::npos);
  // Not the witness the verifier expects.
  auto other = ParseWitnessLog(w, "W", GenerateSigningKeyPair().public_key);
  EXPECT_NE(other.status().message().find("W line 0: countersigned by witness key"),
            std::string::npos);
  EXPECT_NE(error(join({lines[0], "not json"})).find("W line 1: not a JSON object"),
            std::string::npos);
  EXPECT_TRUE(ParseWitnessLog("", "W", std::nullopt).ok());
}

}  // namespace
}  // namespace figurant::ledger
