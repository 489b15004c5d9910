// Several writers on one ledger (docs/ledger.md, "Several writers"): Ledger objects in one process
// and in forked processes append interleaved batches to one file; every event is there exactly
// once, in one sequence, and the log verifies. Readers catch up with Refresh, see only complete
// batches, and refuse what others appended when it does not verify.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include "core/file.h"
#include "ledger/ledger.h"

namespace figurant::ledger {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

class LedgerSharedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    dir_ = fs::temp_directory_path() /
           ("figurant-ledger-shared-test-" + std::to_string(::getpid()) + "-" +
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

  // One batch of `kEventsPerBatch` events naming their writer, batch and place in it.
  static std::vector<std::pair<EntryType, json>> Batch(int writer, int batch) {
    std::vector<std::pair<EntryType, json>> events;
    events.reserve(kEventsPerBatch);
    for (int i = 0; i < kEventsPerBatch; ++i) {
      events.push_back({EntryType::kUsage, {{"writer", writer}, {"batch", batch}, {"i", i}}});
    }
    return events;
  }

  // How many times each (writer, batch, i) is in the verified log.
  std::map<std::tuple<int, int, int>, int> Census() {
    std::map<std::tuple<int, int, int>, int> seen;
    const std::string bytes = *ReadFile(dir_ / "ledger.log");
    const auto report = ReadLog(bytes, key_.public_key, [&](const Entry& e) {
      const json p = json::parse(e.payload);
      ++seen[{p["writer"].get<int>(), p["batch"].get<int>(), p["i"].get<int>()}];
      return Status::Ok();
    });
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return seen;
  }

  static constexpr int kEventsPerBatch = 3;
  FixedClock clock_{1790000000};
  fs::path dir_;
  SigningKeyPair key_;
};

// Two Ledgers open at once on one file (a server and a CLI render): neither blocks the other, each
// append chains onto the other's, and Refresh brings a reader up to date.
TEST_F(LedgerSharedTest, TwoLedgersInOneProcessInterleaveBatches) {
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
  const auto seen = Census();
  EXPECT_EQ(seen.size(), 20u * kEventsPerBatch);
  for (const auto& [event, count] : seen) EXPECT_EQ(count, 1);
}

// Four processes × 200 batches, all appending at once through Ledgers opened before any of them
// wrote: every event is in the log exactly once, numbered in one sequence, and the log verifies.
TEST_F(LedgerSharedTest, ForkedWritersLoseAndRepeatNothing) {
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
  const auto seen = Census();
  EXPECT_EQ(seen.size(), size_t{kWriters} * kBatches * kEventsPerBatch);
  for (const auto& [event, count] : seen) EXPECT_EQ(count, 1);
  auto reopened = Open();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->repaired_bytes(), 0u);
}

// A batch half written — by a writer still at work, or one that crashed — is not seen by Refresh,
// which leaves it alone; the next append, under the writers' lock, cuts it away and goes on.
TEST_F(LedgerSharedTest, RefreshSeesOnlyCompleteBatches) {
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
TEST_F(LedgerSharedTest, AnAlteredBatchFromAnotherWriterIsRefused) {
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

}  // namespace
}  // namespace figurant::ledger
