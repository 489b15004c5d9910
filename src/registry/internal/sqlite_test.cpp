// SQLite failures are classified by SQLite's extended result codes, never by the text of SQLite's
// message; a bind SQLite refuses is an error, not ignored.
#include "registry/internal/sqlite.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/ids.h"
#include "registry/registry.h"

namespace figurant::registry::internal {
namespace {
namespace fs = std::filesystem;

class SqliteErrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    dir_ = fs::temp_directory_path() /
           ("figurant-sqlite-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto r = Registry::Open(dir_ / "figurant.db", true, clock_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    reg_ = std::move(r).value();
    ASSERT_TRUE(
        reg_->InsertPerformer({per_, "Amina Diallo", {}, "fr", Bytes(32, 7), false, {}, {}, kNow})
            .ok());
    ASSERT_TRUE(reg_->InsertEstate({NewId("est"), per_, "Succession", Bytes(32, 8), kNow}).ok());
    ASSERT_TRUE(reg_->InsertStudio({stu_, "Lumière", kNow}).ok());
  }
  void TearDown() override {
    reg_.reset();
    fs::remove_all(dir_);
  }

  static constexpr UnixSeconds kNow = 1790000000;
  FixedClock clock_{kNow};
  fs::path dir_;
  std::unique_ptr<Registry> reg_;
  const std::string per_ = "per_00000000000000a1", stu_ = "stu_00000000000000a3";
};

TEST_F(SqliteErrorTest, ExtendedResultCodesMapToStatusCodes) {
  EXPECT_EQ(StatusCodeFor(SQLITE_CONSTRAINT_UNIQUE), StatusCode::kAlreadyExists);
  EXPECT_EQ(StatusCodeFor(SQLITE_CONSTRAINT_PRIMARYKEY), StatusCode::kAlreadyExists);
  EXPECT_EQ(StatusCodeFor(SQLITE_CONSTRAINT_FOREIGNKEY), StatusCode::kNotFound);
  EXPECT_EQ(StatusCodeFor(SQLITE_CONSTRAINT_CHECK), StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeFor(SQLITE_CONSTRAINT_NOTNULL), StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeFor(SQLITE_CONSTRAINT_TRIGGER), StatusCode::kFailedPrecondition);
  EXPECT_EQ(StatusCodeFor(SQLITE_CONSTRAINT), StatusCode::kFailedPrecondition);
  EXPECT_EQ(StatusCodeFor(SQLITE_CORRUPT), StatusCode::kDataLoss);
  EXPECT_EQ(StatusCodeFor(SQLITE_BUSY_SNAPSHOT), StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeFor(SQLITE_TOOBIG), StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeFor(SQLITE_MISUSE), StatusCode::kInternal);
}

TEST_F(SqliteErrorTest, DuplicateIdIsAlreadyExistsAndMissingReferenceIsNotFound) {
  EXPECT_EQ(reg_->InsertStudio({stu_, "Another name", kNow}).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(reg_->InsertStudio({NewId("stu"), "Lumière", kNow}).code(),
            StatusCode::kAlreadyExists);  // UNIQUE name
  EXPECT_EQ(reg_->InsertEstate({NewId("est"), per_, "Second estate", Bytes(32, 1), kNow}).code(),
            StatusCode::kAlreadyExists);  // one estate per performer
  EXPECT_EQ(reg_->InsertProduction(
                    {NewId("prd"), "stu_00000000000000ff", "Film", {"streaming"}, {"FR"}, {}, 0})
                .code(),
            StatusCode::kNotFound);
  EXPECT_EQ(
      reg_->InsertEstate({NewId("est"), "per_00000000000000ff", "Estate", Bytes(32, 1), 0}).code(),
      StatusCode::kNotFound);
  EXPECT_EQ(reg_->InsertStudio({NewId("stu"), "", kNow}).code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteErrorTest, ClassificationIgnoresTheMessageText) {
  // Triggers that fail inserts with the very messages SQLite gives for UNIQUE and FOREIGN KEY
  // failures: read by their text, they would pass for AlreadyExists and NotFound.
  ASSERT_TRUE(reg_->database()
                  .Exec("CREATE TRIGGER fake_unique BEFORE INSERT ON studios BEGIN SELECT "
                        "RAISE(ABORT, 'UNIQUE constraint failed: studios.name'); END; "
                        "CREATE TRIGGER fake_fk BEFORE INSERT ON productions BEGIN SELECT "
                        "RAISE(ABORT, 'FOREIGN KEY constraint failed'); END;")
                  .ok());
  Status studio = reg_->InsertStudio({NewId("stu"), "Brand new", kNow});
  EXPECT_EQ(studio.code(), StatusCode::kFailedPrecondition) << studio.ToString();
  EXPECT_NE(studio.message().find("UNIQUE constraint failed"), std::string::npos);
  Status production =
      reg_->InsertProduction({NewId("prd"), stu_, "Film", {"streaming"}, {"FR"}, {}, kNow});
  EXPECT_EQ(production.code(), StatusCode::kFailedPrecondition) << production.ToString();
}

TEST_F(SqliteErrorTest, FailedBindIsReportedNotIgnored) {
  auto s = reg_->database().Prepare("SELECT name FROM studios WHERE id = ?1");
  ASSERT_TRUE(s.ok());
  s->Bind(1, stu_).Bind(2, std::string("no such parameter"));
  auto row = s->Step();
  ASSERT_FALSE(row.ok());
  EXPECT_EQ(row.status().code(), StatusCode::kInternal);
  EXPECT_NE(row.status().message().find("bind parameter 2"), std::string::npos)
      << row.status().message();
  EXPECT_FALSE(s->Run().ok());  // the failure stays with the statement
}

}  // namespace
}  // namespace figurant::registry::internal
