// testdata/ledger_7d8c684.log was written by the ledger as it was at commit 7d8c684, before its
// byte order was explicit and before its payloads had one owner (payloads.h): host-order memcpy on
// x86, licence payloads built by the bank, usage payloads by metering. Today's code must verify it,
// read every payload in it, and, given the same events, key and clock, write it byte for byte.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "core/file.h"
#include "ledger/ledger.h"
#include "ledger/metering.h"
#include "ledger/payloads.h"

namespace figurant::ledger {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kOldLog = fs::path(FIGURANT_SOURCE_DIR) / "src/ledger/testdata/ledger_7d8c684.log";

// The key that signed it (an Ed25519 secret key from a fixed seed, secret ‖ public).
SigningKeyPair OldKey() {
  const auto sk = FromHex(
      "01080f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3da"
      "e4030998cfd5ad1723c169f956aa0b9eb8619b5992bd612c2af428ebc79f8df0");
  SigningKeyPair key;
  std::memcpy(key.secret_key.data(), sk->data(), kEd25519SecretKeyBytes);
  std::memcpy(key.public_key.data(), sk->data() + 32, kEd25519PublicKeyBytes);
  return key;
}

// The events the old log holds, written through today's builders.
void WriteTheSameEvents(Ledger& l, FixedClock& clock) {
  LicenceSignedEvent s;
  s.licence_id = "lic_1";
  s.performer_id = "per_1";
  s.studio_id = "stu_1";
  s.signed_at = 1790000001;
  s.terms =
      json::parse(R"({"compensation":{"currency":"EUR","scan_fee":180.0,"per_screen_second":1.5},)"
                  R"("productions":"any","valid_until":null,"uses":["background"]})");
  ASSERT_TRUE(l.AppendPayloads({ToEntry(s)}).ok());
  ASSERT_TRUE(l.AppendPayloads({ToEntry(LicenceRevokedEvent{"lic_1", "per_1", {2027, 1, 6}}),
                                ToEntry(PerformerErasedEvent{"per_\xc3\xa9"})})
                  .ok());
  clock.Advance(10);
  const std::vector<AgentUsage> agents = {
      {"a0", "dbl_1", "per_1", "lic_1", 120.5, 0.1, false, false},
      {"a1", "dbl_1", "per_1", "lic_1", 30, 0.15, true, false},
      {"a\"2", "dbl_2", "per_2", "", 7, 1e-7, false, true}};
  for (int f = 0; f < 3; ++f) {
    ASSERT_TRUE(MeterFrame(l, "rnd_1", {"prd_1", "sh010", 1001 + f}, 23.976, agents, {}).ok());
  }
  ASSERT_TRUE(MeterFrame(l, "rnd_2", {"prd_1", "sh010", 1001}, 24, agents, "rnd_1").ok());
}

Status ParseAny(const Entry& e) {
  switch (e.type) {
    case EntryType::kUsage:
      return ParseUsage(e).status();
    case EntryType::kSupersede:
      return ParseSupersede(e).status();
    case EntryType::kLicenceSigned:
      return ParseLicenceSigned(e).status();
    case EntryType::kLicenceRevoked:
      return ParseLicenceRevoked(e).status();
    case EntryType::kPerformerErased:
      return ParsePerformerErased(e).status();
    case EntryType::kStudioRegistered:
      return ParseStudioRegistered(e).status();
    case EntryType::kProductionDeclared:
      return ParseProductionDeclared(e).status();
    case EntryType::kPerformerDeceased:
      return ParsePerformerDeceased(e).status();
    case EntryType::kKeyEnrolled:
      return ParseKeyEnrolled(e).status();
    case EntryType::kKeyRevoked:
      return ParseKeyRevoked(e).status();
    case EntryType::kRepresentativeRegistered:
      return ParseRepresentativeRegistered(e).status();
    case EntryType::kStatement:
      return ParseStatementEvent(e).status();
  }
  return Internal("unknown entry type");
}

TEST(CompatTest, ALedgerWrittenBeforeVerifiesReadsAndIsReproducedByteForByte) {
  ASSERT_TRUE(InitCrypto().ok());
  auto old = ReadFile(kOldLog);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  const SigningKeyPair key = OldKey();
  int entries = 0;
  auto report = ReadLog(*old, key.public_key, [&](const Entry& e) {
    ++entries;
    return ParseAny(e);
  });
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->entries, 12u);  // 3 licence events, 3 frames × 2 doubles, a supersede, 2 usage
  EXPECT_EQ(entries, 12);

  const fs::path dir =
      fs::temp_directory_path() / ("figurant-compat-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  FixedClock clock(1790000000);
  {
    auto l = Ledger::Open(dir, key, clock);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    WriteTheSameEvents(**l, clock);
  }
  auto now = ReadFile(dir / "ledger.log");
  fs::remove_all(dir);
  ASSERT_TRUE(now.ok());
  EXPECT_TRUE(*now == *old) << "today's ledger differs from the one written at 7d8c684 ("
                            << now->size() << " vs " << old->size() << " bytes)";
}

}  // namespace
}  // namespace figurant::ledger
