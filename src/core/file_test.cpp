#include "core/file.h"

#include <gtest/gtest.h>

#include <filesystem>

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

}  // namespace
}  // namespace figurant
