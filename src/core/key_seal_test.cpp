#include "core/key_seal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/crypto.h"
#include "core/file.h"

namespace figurant {
namespace {

constexpr std::string_view kKeyText = "figurant-master-key-v1\n00112233\n";

TEST(KeySealTest, SealedTextOpensOnlyWithItsPassphrase) {
  ASSERT_TRUE(InitCrypto().ok());
  auto sealed = SealWithPassphrase(kKeyText, "correct horse");
  ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
  EXPECT_TRUE(IsSealedKeyText(*sealed));
  EXPECT_FALSE(IsSealedKeyText(kKeyText));
  EXPECT_EQ(sealed->find("00112233"), std::string::npos);
  auto opened = UnsealWithPassphrase(*sealed, "correct horse", "k");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, kKeyText);
  EXPECT_EQ(UnsealWithPassphrase(*sealed, "wrong horse", "k").status().code(),
            StatusCode::kUnauthenticated);
  // Two seals of the same text differ (fresh salt and nonce).
  EXPECT_NE(*sealed, *SealWithPassphrase(kKeyText, "correct horse"));
  EXPECT_EQ(SealWithPassphrase(kKeyText, "").status().code(), StatusCode::kInvalidArgument);
}

TEST(KeySealTest, AlteredOrHostileFilesAreRefused) {
  ASSERT_TRUE(InitCrypto().ok());
  const std::string sealed = *SealWithPassphrase(kKeyText, "p");
  std::string flipped = sealed;
  flipped[flipped.size() - 2] = flipped[flipped.size() - 2] == '0' ? '1' : '0';
  EXPECT_EQ(UnsealWithPassphrase(flipped, "p", "k").status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(UnsealWithPassphrase(sealed.substr(0, 40), "p", "k").status().code(),
            StatusCode::kDataLoss);
  // A file asking Argon2id for a terabyte is refused before any memory is taken.
  std::string greedy = sealed;
  const auto line = greedy.find('\n') + 1;
  greedy.replace(line, greedy.find('\n', line) - line, "argon2id13 2 1099511627776");
  const auto refused = UnsealWithPassphrase(greedy, "p", "dir/master.key");
  EXPECT_EQ(refused.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(refused.status().message().find("dir/master.key"), std::string::npos);
}

TEST(KeySealTest, SealingAFileInPlaceKeepsItsKeyAndItsMode) {
  ASSERT_TRUE(InitCrypto().ok());
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("figurant-seal-" + std::to_string(::getpid()));
  ASSERT_TRUE(WriteFileAtomic(file, kKeyText, 0600).ok());
  ASSERT_TRUE(SealKeyFileInPlace(file, "p").ok());
  EXPECT_EQ(SealKeyFileInPlace(file, "p").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(*ReadKeyFileText(file, KeyPassphrase("p")), kKeyText);
  EXPECT_EQ(ReadKeyFileText(file, std::nullopt).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace figurant
