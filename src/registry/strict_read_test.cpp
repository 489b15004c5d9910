// Strict reads: a registry file whose rows were changed behind the registry's back (a raw UPDATE on
// a second SQLite connection, with the CHECK constraints and immutability triggers the schema
// would otherwise apply switched off) must read as DataLoss naming the table, the row and the
// column, never as a default.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <map>

#include "core/ids.h"
#include "registry/registry.h"

namespace figurant::registry {
namespace {
namespace fs = std::filesystem;

// Runs `sql` on its own connection to `db_file`, as a tool or a disk fault would: CHECK
// constraints ignored and the schema's triggers dropped, so nothing the registry enforces on
// write stands in the way.
void RawWrite(const fs::path& db_file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_file.c_str(), &db), SQLITE_OK);
  const std::string script =
      "PRAGMA ignore_check_constraints = ON; "
      "DROP TRIGGER IF EXISTS consents_immutable; "
      "DROP TRIGGER IF EXISTS licence_events_append_only_u; "
      "DROP TRIGGER IF EXISTS licence_terms_immutable; "
      "DROP TRIGGER IF EXISTS studio_key_immutable; "
      "DROP TRIGGER IF EXISTS production_declaration_immutable; "
      "DROP TRIGGER IF EXISTS performer_death_immutable; " +
      sql;
  char* err = nullptr;
  const int rc = sqlite3_exec(db, script.c_str(), nullptr, nullptr, &err);
  const std::string message = err != nullptr ? err : "";
  sqlite3_free(err);
  EXPECT_EQ(rc, SQLITE_OK) << message;
  EXPECT_EQ(sqlite3_changes(db), 1) << sql;
  sqlite3_close(db);
}

class StrictReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    dir_ = fs::temp_directory_path() /
           ("figurant-strict-read-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto r = Registry::Open(dir_ / "pristine.db", true, clock_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    Populate(**r);
    // Closing the only connection checkpoints the WAL into the file, so copying it copies all.
  }
  void TearDown() override { fs::remove_all(dir_); }

  // One row in every table: a deceased performer with an estate, a studio, a production, a double,
  // and a signed licence with its consent and events.
  void Populate(Registry& reg) {
    Performer p{per_,         "Amina Diallo", "amina@example.org",        "fr",
                Bytes(32, 7), false,          *Date::Parse("2026-03-01"), std::nullopt,
                kNow};
    ASSERT_TRUE(reg.InsertPerformer(p).ok());
    ASSERT_TRUE(reg.InsertEstate({est_, per_, "Succession Diallo", Bytes(32, 8), kNow}).ok());
    ASSERT_TRUE(reg.InsertStudio({stu_, "Lumière", kNow, Bytes(32, 3)}).ok());
    ASSERT_TRUE(reg.InsertProduction({prd_,
                                      stu_,
                                      "Le Grand Match",
                                      {"streaming"},
                                      {"FR"},
                                      {},
                                      kNow,
                                      *ParseFrameRate("23.976"),
                                      Bytes(32, 3),
                                      Bytes(64, 4)})
                    .ok());
    Double d;
    d.id = dbl_;
    d.performer_id = per_;
    d.name = "scan";
    d.status = DoubleStatus::kReady;
    d.source_kind = SourceKind::kScan;
    d.height_m = 1.7;
    d.look_tags = {"formal"};
    d.created_at = kNow;
    ASSERT_TRUE(reg.InsertDouble(d).ok());
    Licence l;
    l.id = lic_;
    l.performer_id = per_;
    l.studio_id = stu_;
    l.terms_json = "{}";
    l.language = "fr";
    l.disclosure = "text";
    l.valid_from = *Date::Parse("2026-01-01");
    l.valid_until = *Date::Parse("2027-01-01");
    l.created_at = kNow;
    ASSERT_TRUE(reg.InsertLicence(l).ok());
    ASSERT_TRUE(reg.MarkLicenceSigned(lic_, kNow).ok());
    ASSERT_TRUE(reg.MarkLicenceRevoked(lic_, kNow, *Date::Parse("2026-12-25")).ok());
    Consent c{lic_,
              "text",
              Hex64('a'),
              Hex64('b'),
              "fr",
              kNow,
              SignerKind::kEstate,
              est_,
              Bytes(32, 8),
              Bytes(64, 9),
              Representation::kUnion};
    ASSERT_TRUE(reg.InsertConsent(c).ok());
    ASSERT_TRUE(reg.AppendLicenceEvent({0, lic_, LicenceEventKind::kDrafted, kNow, "{}"}).ok());
  }

  static std::string Hex64(char c) { return std::string(64, c); }

  // A copy of the pristine registry with `column` of `table`'s row `id` set to the SQL
  // expression `value`, opened again through the registry.
  std::unique_ptr<Registry> Corrupted(const std::string& table, const std::string& column,
                                      const std::string& value) {
    const fs::path file = dir_ / ("case" + std::to_string(++cases_) + ".db");
    fs::copy_file(dir_ / "pristine.db", file);
    const std::string key = table == "consents"         ? "licence_id"
                            : table == "licence_events" ? "seq"
                                                        : "id";
    RawWrite(file, "UPDATE " + table + " SET " + column + " = " + value + " WHERE " + key + " = '" +
                       IdOf(table) + "'");
    auto r = Registry::Open(file, false, clock_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : nullptr;
  }

  std::string IdOf(const std::string& table) const {
    const std::map<std::string, std::string> ids = {
        {"performers", per_}, {"estates", est_},  {"studios", stu_},  {"productions", prd_},
        {"doubles", dbl_},    {"licences", lic_}, {"consents", lic_}, {"licence_events", "1"}};
    return ids.at(table);
  }

  // Every registry read that returns a row of `table`.
  std::vector<std::pair<std::string, Status>> ReadsOf(Registry& reg, const std::string& table) {
    std::vector<std::pair<std::string, Status>> out;
    auto add = [&](const std::string& what, const Status& s) { out.emplace_back(what, s); };
    if (table == "performers") {
      add("GetPerformer", reg.GetPerformer(per_).status());
      add("ListPerformers", reg.ListPerformers().status());
    } else if (table == "estates") {
      add("GetEstateOf", reg.GetEstateOf(per_).status());
    } else if (table == "studios") {
      add("GetStudio", reg.GetStudio(stu_).status());
      add("ListStudios", reg.ListStudios().status());
    } else if (table == "productions") {
      add("GetProduction", reg.GetProduction(prd_).status());
      add("ListProductions", reg.ListProductions().status());
    } else if (table == "doubles") {
      add("GetDouble", reg.GetDouble(dbl_).status());
      add("ListDoubles(all)", reg.ListDoubles(std::nullopt).status());
      add("ListDoubles(performer)", reg.ListDoubles(per_).status());
    } else if (table == "licences") {
      add("GetLicence", reg.GetLicence(lic_).status());
      add("ListLicences", reg.ListLicences(std::nullopt).status());
    } else if (table == "consents") {
      add("GetConsent", reg.GetConsent(lic_).status());
    } else if (table == "licence_events") {
      add("ListLicenceEvents", reg.ListLicenceEvents(lic_).status());
    }
    return out;
  }

  // Sets `column` of the one row of `table` to `value`, then expects every read of that table to
  // be DataLoss naming the table, the row and the column.
  void ExpectDataLoss(const std::string& table, const std::string& column,
                      const std::string& value) {
    SCOPED_TRACE(table + "." + column + " = " + value);
    auto reg = Corrupted(table, column, value);
    ASSERT_NE(reg, nullptr);
    const std::string where = table + " row '" + IdOf(table) + "' column '" + column + "'";
    for (const auto& [read, status] : ReadsOf(*reg, table)) {
      EXPECT_EQ(status.code(), StatusCode::kDataLoss) << read << ": " << status.ToString();
      EXPECT_NE(status.message().find(where), std::string::npos)
          << read << ": '" << status.message() << "' does not name " << where;
    }
  }

  static constexpr UnixSeconds kNow = 1790000000;
  FixedClock clock_{kNow};
  fs::path dir_;
  int cases_ = 0;
  const std::string per_ = "per_00000000000000a1", est_ = "est_00000000000000a2",
                    stu_ = "stu_00000000000000a3", prd_ = "prd_00000000000000a4",
                    dbl_ = "dbl_00000000000000a5", lic_ = "lic_00000000000000a6";
};

TEST_F(StrictReadTest, PristineCopyReadsCleanly) {
  // The control for every case below: the same copy-and-reopen path, with a value the column
  // accepts, reads without error.
  auto reg = Corrupted("performers", "name", "'Amina D.'");
  ASSERT_NE(reg, nullptr);
  for (const char* table : {"performers", "estates", "studios", "productions", "doubles",
                            "licences", "consents", "licence_events"}) {
    for (const auto& [read, status] : ReadsOf(*reg, table)) {
      EXPECT_TRUE(status.ok()) << read << ": " << status.ToString();
    }
  }
  EXPECT_EQ(reg->GetLicence(lic_)->state, LicenceState::kRevoked);
  EXPECT_EQ((*reg->GetConsent(lic_))->signer, SignerKind::kEstate);
  EXPECT_EQ((*reg->GetConsent(lic_))->representation, Representation::kUnion);
  EXPECT_EQ(reg->GetDouble(dbl_)->source_kind, SourceKind::kScan);
  EXPECT_EQ(reg->GetProduction(prd_)->frame_rate->Text(), "24000/1001");
  EXPECT_EQ(reg->GetStudio(stu_)->public_key, Bytes(32, 3));
  EXPECT_EQ(reg->ListLicenceEvents(lic_)->front().kind, LicenceEventKind::kDrafted);
}

TEST_F(StrictReadTest, MalformedJsonListIsDataLoss) {
  ExpectDataLoss("productions", "media", "'\"streaming\"'");       // JSON, but not an array
  ExpectDataLoss("productions", "territories", "'[\"FR\", 33]'");  // an item that is not a string
  ExpectDataLoss("productions", "content", "'violence'");          // not JSON at all
  ExpectDataLoss("doubles", "look_tags", "'{\"formal\": true}'");
}

TEST_F(StrictReadTest, MalformedJsonDocumentIsDataLoss) {
  ExpectDataLoss("licences", "terms_json", "'{\"productions\": '");
  ExpectDataLoss("licence_events", "detail_json", "'effective 2026-12-25'");
  ExpectDataLoss("doubles", "lods_json", "'[{\"triangles\": 12'");
  ExpectDataLoss("doubles", "bounds_json", "X'7b7d'");  // the bytes of {}, but a BLOB
}

TEST_F(StrictReadTest, MalformedDateIsDataLoss) {
  ExpectDataLoss("licences", "valid_from", "'2026-02-30'");  // no such day
  ExpectDataLoss("licences", "valid_until", "'next year'");
  ExpectDataLoss("licences", "revoked_from", "20261225");  // a number, not YYYY-MM-DD
  ExpectDataLoss("performers", "deceased_on", "'01/03/2026'");
}

TEST_F(StrictReadTest, MalformedTimestampIsDataLoss) {
  ExpectDataLoss("licences", "signed_at", "'yesterday'");
  ExpectDataLoss("licences", "created_at", "1790000000.5");
  ExpectDataLoss("performers", "erased_at", "'never'");
  ExpectDataLoss("studios", "created_at", "'2026-06-01T00:00:00Z'");
  ExpectDataLoss("estates", "created_at", "X'01'");
  ExpectDataLoss("productions", "created_at", "'now'");
  ExpectDataLoss("doubles", "created_at", "'now'");
  ExpectDataLoss("consents", "signed_at", "'soon'");
  ExpectDataLoss("licence_events", "at", "'then'");
}

TEST_F(StrictReadTest, UnknownLicenceStateIsDataLoss) {
  ExpectDataLoss("licences", "state", "'suspended'");
}

TEST_F(StrictReadTest, UnknownDoubleStatusIsDataLoss) {
  ExpectDataLoss("doubles", "status", "'lost'");
}

TEST_F(StrictReadTest, UnknownSourceKindIsDataLoss) {
  ExpectDataLoss("doubles", "source_kind", "'photo'");
}

TEST_F(StrictReadTest, UnknownSignerKindIsDataLoss) {
  ExpectDataLoss("consents", "signer", "'agent'");
}

TEST_F(StrictReadTest, UnknownRepresentationIsDataLoss) {
  ExpectDataLoss("consents", "representation", "'lawyer'");
}

TEST_F(StrictReadTest, UnknownLicenceEventKindIsDataLoss) {
  ExpectDataLoss("licence_events", "kind", "'amended'");
}

TEST_F(StrictReadTest, UnknownLanguageIsDataLoss) {
  ExpectDataLoss("performers", "language", "'de'");
  ExpectDataLoss("licences", "language", "'EN'");
  ExpectDataLoss("consents", "language", "''");
}

TEST_F(StrictReadTest, WrongLengthKeyOrSignatureIsDataLoss) {
  ExpectDataLoss("performers", "public_key", "zeroblob(31)");
  ExpectDataLoss("estates", "public_key", "zeroblob(33)");
  ExpectDataLoss("consents", "public_key", "zeroblob(0)");
  ExpectDataLoss("consents", "signature", "zeroblob(63)");
  ExpectDataLoss("studios", "public_key", "zeroblob(16)");
  ExpectDataLoss("productions", "public_key", "zeroblob(33)");
  ExpectDataLoss("productions", "signature", "'" + std::string(64, 's') + "'");
  // The right length, but text rather than a BLOB.
  ExpectDataLoss("performers", "public_key", "'" + std::string(32, 'k') + "'");
}

TEST_F(StrictReadTest, MalformedHashIsDataLoss) {
  ExpectDataLoss("consents", "terms_sha256", "'" + std::string(64, 'A') + "'");  // upper case
  ExpectDataLoss("consents", "disclosure_sha256", "'" + std::string(63, 'a') + "'");
}

TEST_F(StrictReadTest, FlagThatIsNotZeroOrOneIsDataLoss) {
  ExpectDataLoss("performers", "synthetic", "2");
  ExpectDataLoss("licences", "blanket", "'yes'");
  ExpectDataLoss("doubles", "rigged", "-1");
}

TEST_F(StrictReadTest, FrameRateThatIsNotAStandardRateIsDataLoss) {
  ExpectDataLoss("productions", "fps", "'1000/1'");
  ExpectDataLoss("productions", "fps", "'23.976'");  // a name, not the exact rational
  ExpectDataLoss("productions", "fps", "24");
}

TEST_F(StrictReadTest, MeasurementThatIsNotANumberIsDataLoss) {
  ExpectDataLoss("doubles", "height_m", "'tall'");
}

}  // namespace
}  // namespace figurant::registry
