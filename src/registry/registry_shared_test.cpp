// Several processes on one registry (docs/registry.md, "Several processes"): writers in forked
// processes, each reading then writing in its transactions, all commit; processes opening a new
// registry at the same moment each find it migrated once; a lock held past the busy timeout is
// Unavailable saying so, with nothing written.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "core/ids.h"
#include "registry/migrations.h"
#include "registry/registry.h"

namespace figurant::registry {
namespace {
namespace fs = std::filesystem;

class RegistrySharedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    dir_ = fs::temp_directory_path() /
           ("figurant-registry-shared-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Registry> Open(bool create, RegistryOptions options = {}) {
    auto r = Registry::Open(dir_ / "figurant.db", create, clock_, options);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : nullptr;
  }

  // Runs `child` in `n` forked processes at once; true when every one exited 0.
  static bool InProcesses(int n, const std::function<bool(int)>& child) {
    std::vector<pid_t> pids;
    for (int i = 0; i < n; ++i) {
      const pid_t pid = ::fork();
      if (pid < 0) return false;
      if (pid == 0) ::_exit(child(i) ? 0 : 1);
      pids.push_back(pid);
    }
    bool all = true;
    for (const pid_t pid : pids) {
      int status = 0;
      all =
          ::waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 && all;
    }
    return all;
  }

  FixedClock clock_{1790000000};
  fs::path dir_;
};

// Each transaction reads before it writes, the pattern that deadlocks two writers upgrading a
// read lock; with BEGIN IMMEDIATE every one commits.
TEST_F(RegistrySharedTest, WritersInSeveralProcessesAllCommit) {
  constexpr int kProcesses = 4;
  constexpr int kTransactions = 40;
  ASSERT_NE(Open(true), nullptr);
  const bool ok = InProcesses(kProcesses, [&](int process) {
    auto reg = Registry::Open(dir_ / "figurant.db", false, clock_);
    if (!reg.ok()) return false;
    for (int t = 0; t < kTransactions; ++t) {
      const Status s = (*reg)->InTransaction([&]() -> Status {
        FIGURANT_RETURN_IF_ERROR((*reg)->ListStudios().status());
        const std::string name = "Studio " + std::to_string(process) + "." + std::to_string(t);
        return (*reg)->InsertStudio({NewId(id_prefix::kStudio), name, clock_.Now()});
      });
      if (!s.ok()) return false;
    }
    return true;
  });
  EXPECT_TRUE(ok);
  auto reg = Open(false);
  ASSERT_NE(reg, nullptr);
  EXPECT_EQ(reg->ListStudios()->size(), size_t{kProcesses} * kTransactions);
  EXPECT_TRUE(reg->CheckIntegrity().ok());
}

TEST_F(RegistrySharedTest, ProcessesCreatingOneRegistryAtOnceMigrateItOnce) {
  const bool ok = InProcesses(4, [&](int) {
    auto reg = Registry::Open(dir_ / "figurant.db", true, clock_);
    return reg.ok() && (*reg)->SchemaVersion() == Migrations().back().version;
  });
  EXPECT_TRUE(ok);
  auto reg = Open(false);
  ASSERT_NE(reg, nullptr);
  EXPECT_TRUE(reg->CheckIntegrity().ok());
}

TEST_F(RegistrySharedTest, ALockHeldPastTheBusyTimeoutIsUnavailableAndWritesNothing) {
  auto holder = Open(true);
  RegistryOptions impatient;
  impatient.busy_timeout_ms = 200;
  auto waiter = Open(false, impatient);
  ASSERT_NE(holder, nullptr);
  ASSERT_NE(waiter, nullptr);
  const Studio s{NewId(id_prefix::kStudio), "Studio", clock_.Now()};
  Status refused;
  ASSERT_TRUE(holder
                  ->InTransaction([&]() -> Status {
                    refused = waiter->InsertStudio(s);
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(refused.code(), StatusCode::kUnavailable);
  EXPECT_NE(refused.message().find("is busy: another process held its lock for over 200 ms"),
            std::string::npos)
      << refused.message();
  EXPECT_EQ(waiter->GetStudio(s.id).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(waiter->InsertStudio(s).ok());  // once the lock is free, the same write goes through
}

}  // namespace
}  // namespace figurant::registry
