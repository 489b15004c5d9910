#include "core/file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "core/crypto.h"

namespace figurant {
namespace {
namespace fs = std::filesystem;

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    dir_ = fs::temp_directory_path() / ("figurant-file-test-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    ASSERT_TRUE(EnsureDirectory(dir_).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(FileTest, AtomicWriteReplacesAndLeavesNoTemporaries) {
  const fs::path p = dir_ / "a.txt";
  ASSERT_TRUE(WriteFileAtomic(p, "one").ok());
  ASSERT_TRUE(WriteFileAtomic(p, "two", 0600).ok());
  EXPECT_EQ(*ReadFile(p), "two");
  EXPECT_EQ(fs::status(p).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(FileTest, MissingFileIsNotFoundNamingThePath) {
  auto r = ReadFile(dir_ / "missing.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("missing.json"), std::string::npos);
}

TEST_F(FileTest, WriteIntoMissingDirectoryFailsCleanly) {
  Status s = WriteFileAtomic(dir_ / "nope" / "x", "data");
  EXPECT_FALSE(s.ok());
}

// ---- files a user names: regular, bounded, checked before reading ------------------------------

constexpr FileLimit kTiny{"test file", 16};

bool Contains(const Status& s, std::string_view needle) {
  return s.message().find(needle) != std::string::npos;
}

TEST_F(FileTest, UserFileUpToItsLimitIsReadWholeThroughSymlinks) {
  const fs::path p = dir_ / "exact.txt";
  std::ofstream(p) << std::string(kTiny.max_bytes, 'x');
  fs::create_symlink(p, dir_ / "link.txt");
  auto r = ReadUserFile(dir_ / "link.txt", kTiny);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, std::string(kTiny.max_bytes, 'x'));
  std::ofstream(dir_ / "empty.txt").flush();
  EXPECT_EQ(*ReadUserFile(dir_ / "empty.txt", kTiny), "");
}

TEST_F(FileTest, UserFileOneByteOverItsLimitIsRefusedNamingKindAndLimit) {
  const fs::path p = dir_ / "over.txt";
  std::ofstream(p) << std::string(kTiny.max_bytes + 1, 'x');
  auto r = ReadUserFile(p, kTiny);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  for (std::string_view n : {p.string(), std::string("17 bytes"), std::string("test file"),
                             std::string("at most 16 bytes")}) {
    EXPECT_TRUE(Contains(r.status(), n)) << n << " not in " << r.status().message();
  }
}

TEST_F(FileTest, SparseUserFileOverItsLimitIsRefusedWithoutReadingIt) {
  const fs::path p = dir_ / "sparse.bin";
  std::ofstream(p).put('x');
  fs::resize_file(p, 64ull << 30);  // 64 GiB of holes: reading it would take minutes
  const auto start = std::chrono::steady_clock::now();
  auto r = ReadUserFile(p, FileLimit{"mesh file", 1 << 20});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.status(), std::to_string(64ull << 30))) << r.status().message();
  EXPECT_TRUE(Contains(r.status(), "1 MiB")) << r.status().message();
}

TEST_F(FileTest, DirectoriesFifosAndDevicesAreNotUserFiles) {
  const fs::path fifo = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);  // no writer: a blocking open would never return
  const struct {
    fs::path path;
    std::string_view type;
  } kCases[] = {{dir_, "a directory"}, {fifo, "a FIFO"}, {"/dev/zero", "a character device"}};
  for (const auto& c : kCases) {
    auto r = UserFile::Open(c.path, kTiny);
    ASSERT_FALSE(r.ok()) << c.path;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(Contains(r.status(), c.path.string() + ": not a regular file")) << c.path;
    EXPECT_TRUE(Contains(r.status(), c.type)) << r.status().message();
  }
  EXPECT_EQ(ReadUserFile(dir_ / "missing", kTiny).status().code(), StatusCode::kNotFound);
}

// fstat says 0 bytes for /proc files; the limit still holds while reading.
TEST_F(FileTest, UserFileLargerThanItsStatSizeIsCutAtTheLimit) {
  auto whole = ReadUserFile("/proc/self/status", FileLimit{"status", 1 << 20});
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_NE(whole->find("VmRSS"), std::string::npos);
  auto cut = ReadUserFile("/proc/self/status", kTiny);
  ASSERT_FALSE(cut.ok());
  EXPECT_TRUE(Contains(cut.status(), "grew past the limit")) << cut.status().message();
}

TEST_F(FileTest, UserFileReadsAtOffsetsNeverPastItsSize) {
  const fs::path p = dir_ / "abc.txt";
  std::ofstream(p) << "abcdef";
  auto f = UserFile::Open(p, kTiny);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->size(), 6u);
  char buf[8] = {};
  EXPECT_EQ(*f->ReadAt(4, buf, sizeof buf), 2u);
  EXPECT_EQ(std::string(buf, 2), "ef");
  std::ofstream(p, std::ios::app) << "ghi";  // grown after opening: not seen
  EXPECT_EQ(*f->ReadAt(6, buf, sizeof buf), 0u);
}

fs::perms ModeOf(const fs::path& p) { return fs::symlink_status(p).permissions() & fs::perms::all; }

TEST_F(FileTest, ExclusiveCreateHasOneWinnerAmongConcurrentCreators) {
  const fs::path p = dir_ / "once.key";
  constexpr int kCreators = 8;
  std::vector<Status> results(kCreators);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCreators; ++i) {
    threads.emplace_back(
        [&, i] { results[i] = CreateFileExclusive(p, "creator " + std::to_string(i), 0600); });
  }
  for (std::thread& t : threads) t.join();
  int winners = 0;
  std::string winner;
  for (int i = 0; i < kCreators; ++i) {
    if (results[i].ok()) {
      ++winners;
      winner = "creator " + std::to_string(i);
    } else {
      EXPECT_EQ(results[i].code(), StatusCode::kAlreadyExists) << results[i].ToString();
    }
  }
  EXPECT_EQ(winners, 1);
  EXPECT_EQ(*ReadFile(p), winner);  // the winner's bytes, never overwritten by a loser
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 1) << "a temporary file was left behind";
}

TEST_F(FileTest, ExclusiveCreateSetsTheModeWhateverTheUmask) {
  const mode_t old = ::umask(0277);  // would strip the owner's write bit from 0600
  const Status s = CreateFileExclusive(dir_ / "k", "x", 0600);
  ::umask(old);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ModeOf(dir_ / "k"), fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(FileTest, PrivateFileRefusesGroupOrWorldAccessNamingTheFix) {
  const fs::path p = dir_ / "secret";
  ASSERT_TRUE(CreateFileExclusive(p, "s3cret", 0600).ok());
  EXPECT_EQ(*ReadPrivateFile(p), "s3cret");
  for (const unsigned mode : {0640U, 0604U, 0620U}) {
    ASSERT_EQ(::chmod(p.c_str(), mode), 0);
    auto r = ReadPrivateFile(p);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(r.status().message().find("chmod 600 " + p.string()), std::string::npos)
        << r.status().message();
  }
}

TEST_F(FileTest, PrivateFileRefusesSymlinksDirectoriesAndOversizedFiles) {
  const fs::path target = dir_ / "target";
  ASSERT_TRUE(CreateFileExclusive(target, "s", 0600).ok());
  fs::create_symlink(target, dir_ / "link");
  auto link = ReadPrivateFile(dir_ / "link");
  EXPECT_EQ(link.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(link.status().message().find("symbolic link"), std::string::npos);
  ASSERT_TRUE(EnsurePrivateDirectory(dir_ / "d").ok());
  EXPECT_EQ(ReadPrivateFile(dir_ / "d").status().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(CreateFileExclusive(dir_ / "big", std::string(100, 'x'), 0600).ok());
  EXPECT_FALSE(ReadPrivateFile(dir_ / "big", 99).ok());
  EXPECT_EQ(ReadPrivateFile(dir_ / "missing").status().code(), StatusCode::kNotFound);
}

TEST_F(FileTest, PrivateDirectoryIsCreated0700AndCheckedWhenOpen) {
  const mode_t old = ::umask(0);
  const Status made = EnsurePrivateDirectory(dir_ / "a" / "keys");
  ::umask(old);
  ASSERT_TRUE(made.ok()) << made.ToString();
  EXPECT_EQ(ModeOf(dir_ / "a" / "keys"), fs::perms::owner_all);
  ASSERT_EQ(::chmod((dir_ / "a" / "keys").c_str(), 0750), 0);
  const Status open = EnsurePrivateDirectory(dir_ / "a" / "keys");
  EXPECT_EQ(open.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(open.message().find("chmod 700"), std::string::npos) << open.message();
}

// A name that only starts like the directory is not in it; a symlink into it, or `..` back into
// it, is; a path not created yet is judged by where it would be.
TEST_F(FileTest, PathIsWithinResolvesLinksAndDotDotNotPrefixes) {
  const fs::path bank = dir_ / "bank";
  fs::create_directories(bank / "ledger");
  fs::create_directories(dir_ / "bank2");
  fs::create_directory_symlink(bank / "ledger", dir_ / "link");
  EXPECT_TRUE(PathIsWithin(bank, bank));
  EXPECT_TRUE(PathIsWithin(bank / "ledger" / "new.log", bank));
  EXPECT_TRUE(PathIsWithin(dir_ / "link" / "x", bank));
  EXPECT_TRUE(PathIsWithin(dir_ / "bank2" / ".." / "bank" / "x", bank));
  EXPECT_FALSE(PathIsWithin(dir_ / "bank2", bank));
  EXPECT_FALSE(PathIsWithin(dir_, bank));
}

}  // namespace
}  // namespace figurant
