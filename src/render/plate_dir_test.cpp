// The plate directory: files appear under their final names only when published, only an earlier
// output of the same shot is ever replaced, nothing is written through a link or in a protected
// directory, and killed renders' temporaries are removed by the next render that holds the
// directory alone.
#include "render/plate_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/file.h"
#include "render/internal/png_decode_for_test.h"
#include "render/output.h"

namespace figurant::render {
namespace {

namespace fs = std::filesystem;

const PlateOwner kOwner{"prd_1", "sh010"};

class PlateDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("figurant-plates-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  std::unique_ptr<PlateDirectory> Open(const PlateOwner& owner = kOwner) {
    auto d = PlateDirectory::Open({root_, "out", {root_ / "bank"}}, owner);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? std::move(*d) : nullptr;
  }

  // A 4 × 2 frame with nothing in it.
  static Frame EmptyFrame() {
    Frame f;
    f.frame = 1001;
    f.width = 4;
    f.height = 2;
    f.rgba.assign(32, 0.0f);
    f.depth.assign(8, 1e10f);
    f.normal.assign(24, 0.0f);
    for (CryptoLayer* l : {&f.crypto_agent, &f.crypto_double, &f.crypto_performer}) {
      l->offsets.assign(9, 0);
    }
    return f;
  }

  static std::map<std::string, std::string> Attributes(const PlateOwner& owner) {
    return {{"figurant/production", owner.production}, {"figurant/shot", owner.shot}};
  }

  // Publishes one frame of `owner` as "sh010.1001.*" in out/.
  void PublishFrame(const PlateOwner& owner) {
    auto dir = Open(owner);
    ASSERT_NE(dir, nullptr);
    const nlohmann::json cov = {
        {"figurant_coverage", 1}, {"production", owner.production}, {"shot", owner.shot}};
    auto staged = StageFrame(*dir, FrameFilesFor("sh010.1001.exr", true), EmptyFrame(), {},
                             Attributes(owner), cov, 1);
    ASSERT_TRUE(staged.ok()) << staged.status().ToString();
    ASSERT_TRUE(dir->Publish(*staged).ok());
  }

  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(root_ / "out")) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path root_;
};

TEST_F(PlateDirTest, StagedFilesAppearUnderTheirNamesOnlyWhenPublished) {
  auto dir = Open();
  ASSERT_NE(dir, nullptr);
  auto staged = StageFrame(*dir, FrameFilesFor("sh010.1001.exr", true), EmptyFrame(), {},
                           Attributes(kOwner), {{"production", "prd_1"}}, 1);
  ASSERT_TRUE(staged.ok()) << staged.status().ToString();
  ASSERT_EQ(staged->size(), 3u);
  // Sidecar first, EXR last.
  EXPECT_EQ((*staged)[0].name, "sh010.1001.coverage.json");
  EXPECT_EQ((*staged)[1].name, "sh010.1001.png");
  EXPECT_EQ((*staged)[2].name, "sh010.1001.exr");
  for (const std::string& name : Names()) {
    EXPECT_TRUE(name == ".figurant.lock" || name.starts_with(".figurant-tmp.sh010.1001.")) << name;
  }
  ASSERT_TRUE(dir->Publish(*staged).ok());
  EXPECT_EQ(Names(), (std::vector<std::string>{".figurant.lock", "sh010.1001.coverage.json",
                                               "sh010.1001.exr", "sh010.1001.png"}));
  // What was staged and never published is gone with the directory.
  auto more = dir->StageBytes("sh010.clones.json", PlateFile::kCloneReport, "{}");
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(Names().size(), 5u);
  dir.reset();
  EXPECT_EQ(Names().size(), 4u);
}

TEST_F(PlateDirTest, OnlyTheShotsOwnEarlierOutputsAreReplaced) {
  PublishFrame(kOwner);
  auto dir = Open();
  ASSERT_NE(dir, nullptr);
  const std::pair<const char*, PlateFile> files[] = {
      {"sh010.1001.exr", PlateFile::kExr},
      {"sh010.1001.png", PlateFile::kPng},
      {"sh010.1001.coverage.json", PlateFile::kCoverage}};
  for (const auto& [name, kind] : files) {
    EXPECT_TRUE(dir->CheckReplaceable(name, kind).ok()) << name;
  }
  // The same files seen by another shot, another production.
  for (const PlateOwner& other : {PlateOwner{"prd_1", "sh020"}, PlateOwner{"prd_2", "sh010"}}) {
    auto theirs = Open(other);
    for (const auto& [name, kind] : files) {
      const Status s = theirs->CheckReplaceable(name, kind);
      EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << name;
      EXPECT_NE(s.message().find("is not an output of shot " + other.shot), std::string::npos)
          << s.message();
    }
  }
  // A PNG without Figurant's text, a sidecar of another shape.
  auto plain = EncodePng(EmptyFrame());
  ASSERT_TRUE(plain.ok());
  ASSERT_TRUE(WriteFileAtomic(root_ / "out" / "x.png", *plain).ok());
  EXPECT_FALSE(dir->CheckReplaceable("x.png", PlateFile::kPng).ok());
  ASSERT_TRUE(WriteFileAtomic(root_ / "out" / "x.clones.json",
                              R"({"production": "prd_1", "shot": "sh010"})")
                  .ok());
  EXPECT_FALSE(dir->CheckReplaceable("x.clones.json", PlateFile::kCloneReport).ok());
  // Names that are not plates of their kind.
  for (const char* bad : {"x.png", "../x.exr", ".x.exr", "x.exr/", ".exr", "-x.exr"}) {
    EXPECT_EQ(dir->CheckReplaceable(bad, PlateFile::kExr).code(), StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST_F(PlateDirTest, LinksDevicesAndDirectoriesAreNeverReplaced) {
  auto dir = Open();
  ASSERT_NE(dir, nullptr);
  const fs::path out = root_ / "out";
  fs::create_symlink("/dev/null", out / "a.exr");
  ASSERT_EQ(::mkfifo((out / "b.exr").c_str(), 0644), 0);
  fs::create_directory(out / "c.exr");
  for (const char* name : {"a.exr", "b.exr", "c.exr"}) {
    const Status s = dir->CheckReplaceable(name, PlateFile::kExr);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << name;
    EXPECT_NE(s.message().find("scene field 'render.output'"), std::string::npos) << s.message();
    EXPECT_FALSE(dir->StageBytes(name, PlateFile::kExr, "x").ok()) << name;
  }
  EXPECT_TRUE(fs::is_symlink(out / "a.exr"));
  EXPECT_TRUE(fs::is_fifo(out / "b.exr"));
}

TEST_F(PlateDirTest, NothingIsWrittenInAProtectedDirectoryOrThroughALink) {
  fs::create_directories(root_ / "bank" / "ledger");
  for (const fs::path& inside : {root_ / "bank", root_ / "bank" / "ledger"}) {
    auto d = PlateDirectory::Open({inside, "out", {root_ / "bank"}}, kOwner);
    EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(d.status().message().find("is inside " + fs::canonical(root_ / "bank").string()),
              std::string::npos)
        << d.status().message();
    EXPECT_FALSE(fs::exists(inside / "out"));
  }
  // A link to the bank as the root, or on the way.
  fs::create_directory_symlink(root_ / "bank", root_ / "link");
  EXPECT_FALSE(PlateDirectory::Open({root_ / "link", "", {root_ / "bank"}}, kOwner).ok());
  EXPECT_FALSE(PlateDirectory::Open({root_, "link", {root_ / "bank"}}, kOwner).ok());
  EXPECT_FALSE(PlateDirectory::Open({root_, "out/../bank", {}}, kOwner).ok());
  EXPECT_FALSE(fs::exists(root_ / "bank" / ".figurant.lock"));
  // The lock file as another name of a bank file: locking it would lock the bank's file.
  std::ofstream(root_ / "bank" / "ledger" / "ledger.log") << "ledger";
  fs::create_directories(root_ / "elsewhere");
  fs::create_hard_link(root_ / "bank" / "ledger" / "ledger.log",
                       root_ / "elsewhere" / ".figurant.lock");
  const auto linked = PlateDirectory::Open({root_ / "elsewhere", "", {root_ / "bank"}}, kOwner);
  EXPECT_EQ(linked.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(linked.status().message().find(".figurant.lock"), std::string::npos)
      << linked.status().message();
}

TEST_F(PlateDirTest, KilledRendersTemporariesAreRemovedByTheNextRenderAlone) {
  fs::create_directories(root_ / "out");
  const std::vector<std::string> stale = {".figurant-tmp.sh010.1001.exr.0123456789ab",
                                          "sh010.1001.png.tmp-ba9876543210"};
  const std::vector<std::string> kept = {"notes.tmp-0123456789ab", ".figurant-tmp.x",
                                         "sh010.1001.exr.tmp-xyz"};
  for (const std::string& n : stale) std::ofstream(root_ / "out" / n) << "torn";
  for (const std::string& n : kept) std::ofstream(root_ / "out" / n) << "other";
  {
    auto first = Open();
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(first->stale_removed(), 2);
    auto staged = first->StageBytes("sh010.1002.coverage.json", PlateFile::kCoverage, "{}");
    ASSERT_TRUE(staged.ok());
    // Another render while this one holds the directory leaves its temporary alone.
    auto second = Open();
    ASSERT_NE(second, nullptr);
    EXPECT_EQ(second->stale_removed(), 0);
    EXPECT_TRUE(fs::exists(root_ / "out" / staged->temp));
    EXPECT_TRUE(first->Publish({*staged}).ok());
  }
  for (const std::string& n : stale) EXPECT_FALSE(fs::exists(root_ / "out" / n)) << n;
  for (const std::string& n : kept) EXPECT_TRUE(fs::exists(root_ / "out" / n)) << n;
}

// The preview's text chunks leave a PNG that libpng reads (their CRCs are right).
TEST_F(PlateDirTest, PreviewTextLeavesAValidPng) {
  auto bytes = EncodePng(EmptyFrame(), Attributes(kOwner));
  ASSERT_TRUE(bytes.ok());
  const size_t at = bytes->find("tEXtfigurant/shot");
  ASSERT_NE(at, std::string::npos);
  // length (4, big-endian) | type and data | CRC-32 of type and data (4, big-endian)
  auto be32 = [&](size_t i) {
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) v = (v << 8) | static_cast<uint8_t>((*bytes)[i + k]);
    return v;
  };
  const uint32_t length = be32(at - 4);
  EXPECT_EQ(length, std::strlen("figurant/shot") + 1 + std::strlen("sh010"));
  EXPECT_EQ(be32(at + 4 + length),
            ::crc32(0, reinterpret_cast<const Bytef*>(bytes->data() + at), 4 + length));
  const internal::DecodedPng image = internal::DecodePngForTest(*bytes);
  EXPECT_EQ(image.error, "");
  EXPECT_EQ(image.width, 4u);
}

}  // namespace
}  // namespace figurant::render
