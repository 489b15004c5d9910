// Payloads: one of each kind pinned to its exact bytes (ledgers written before keep verifying and
// keep meaning the same), round trips through the strict parsers, and every way a stored payload
// can break its format named by entry and field.
#include "ledger/payloads.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace figurant::ledger {
namespace {

using nlohmann::json;

Entry EntryOf(EntryType type, std::string payload, uint64_t seq = 7) {
  Entry e;
  e.type = type;
  e.seq = seq;
  e.payload = std::move(payload);
  return e;
}

UsageEvent SampleUsage() {
  UsageEvent u;
  u.render_id = "rnd_1";
  u.key = {"prd_1", "sh010", 1001};
  u.fps = 24;
  u.double_id = "dbl_1";
  u.performer_id = "per_1";
  u.licence_id = "lic_1";
  u.agent_names = {"a0", "a1"};
  u.pixels = 150.5;
  u.height_fraction = 0.15;
  u.altered = true;
  u.synthetic = false;
  return u;
}

LicenceSignedEvent SampleSigned() {
  LicenceSignedEvent l;
  l.licence_id = "lic_1";
  l.performer_id = "per_1";
  l.studio_id = "stu_1";
  l.synthetic = false;
  l.signed_at = 1790000000;
  l.terms = json::parse(
      R"({"revocable":true,"compensation":{"scan_fee":180.0,"currency":"EUR"},"uses":["background"]})");
  return l;
}

consent::SignedProduction SampleProduction() {
  consent::SignedProduction p;
  p.declaration = {
      "prd_1", "stu_1", "Market", {"streaming"}, {"FR"}, {"violence"}, *ParseFrameRate("23.976")};
  p.public_key.fill(0xab);
  p.signature.fill(0xcd);
  return p;
}

// The bytes every writer of these payloads has produced since the ledger's first version (metering
// for usage and supersede, the bank for licence events): a change here breaks existing ledgers'
// meaning, not just a test.
TEST(PayloadsTest, EachKindIsPinnedToItsBytes) {
  EXPECT_EQ(Payload(SampleUsage()),
            R"({"agent_names":["a0","a1"],"agents":2,"altered":true,"double":"dbl_1","fps":24.0,)"
            R"("frame":1001,"height_fraction":0.15,"licence":"lic_1","performer":"per_1",)"
            R"("pixels":150.5,"production":"prd_1","render":"rnd_1","shot":"sh010",)"
            R"("synthetic":false})");
  EXPECT_EQ(Payload(SupersedeEvent{"rnd_2", "rnd_1", {"prd_1", "sh010", 1001}}),
            R"({"frame":1001,"production":"prd_1","render":"rnd_2","shot":"sh010",)"
            R"("superseded":"rnd_1"})");
  EXPECT_EQ(Payload(SampleSigned()),
            R"({"licence":"lic_1","performer":"per_1","signed_at":1790000000,"studio":"stu_1",)"
            R"("synthetic":false,"terms":{"compensation":{"currency":"EUR","scan_fee":180.0},)"
            R"("revocable":true,"uses":["background"]}})");
  EXPECT_EQ(Payload(LicenceRevokedEvent{"lic_1", "per_1", {2026, 3, 1}}),
            R"({"effective":"2026-03-01","licence":"lic_1","performer":"per_1"})");
  EXPECT_EQ(Payload(PerformerErasedEvent{"per_1"}), R"({"performer":"per_1"})");
  StudioRegisteredEvent studio{"stu_1", "Lumière", {}};
  studio.public_key.fill(0x01);
  std::string ones;
  for (int i = 0; i < 32; ++i) ones += "01";
  EXPECT_EQ(Payload(studio),
            R"({"name":"Lumière","public_key":")" + ones + R"(","studio":"stu_1"})");
  std::string key_hex, signature_hex;
  for (int i = 0; i < 32; ++i) key_hex += "ab";
  for (int i = 0; i < 64; ++i) signature_hex += "cd";
  EXPECT_EQ(Payload(ProductionDeclaredEvent{SampleProduction()}),
            R"({"content":["violence"],"fps":"24000/1001","media":["streaming"],)"
            R"("production":"prd_1","public_key":")" +
                key_hex + R"(","signature":")" + signature_hex +
                R"(","studio":"stu_1","territories":["FR"],"title":"Market"})");
  EXPECT_EQ(Payload(PerformerDeceasedEvent{"per_1", {2026, 5, 1}}),
            R"({"died_on":"2026-05-01","performer":"per_1"})");
  EXPECT_EQ(ToEntry(PerformerErasedEvent{"per_1"}).first, EntryType::kPerformerErased);
}

// The hand-written usage payload must be exactly what nlohmann::json::dump() writes for the same
// object, for any values: that is the canonical form docs/ledger.md promises.
TEST(PayloadsTest, UsagePayloadIsCanonicalJson) {
  std::mt19937_64 rng(11);
  auto real = [&] {
    const double mantissa = static_cast<double>(rng() % 100000000) / 1000.0;
    const int exp = static_cast<int>(rng() % 30) - 15;
    return mantissa * std::pow(10.0, exp);
  };
  const std::vector<std::string> names = {"a0",          "agent \"quoted\"", "back\\slash",
                                          "tab\there",   "caf\xc3\xa9",      "bad \xff utf8",
                                          "ctl \x01 end"};
  for (int trial = 0; trial < 2000; ++trial) {
    UsageEvent u;
    u.render_id = "rnd_" + std::to_string(rng() % 1000);
    u.key = {"prd_" + std::to_string(rng() % 7), names[rng() % names.size()],
             static_cast<int>(rng() % 10000000)};
    u.fps = trial % 3 == 0 ? 24.0 : (trial % 3 == 1 ? 23.976 : real());
    u.double_id = "dbl_x";
    u.performer_id = names[rng() % names.size()];
    u.licence_id = trial % 5 == 0 ? "" : "lic_y";
    u.agent_names = {names[rng() % names.size()]};
    if (trial % 2 == 0) u.agent_names.push_back(names[rng() % names.size()]);
    u.pixels = trial % 4 == 0 ? static_cast<double>(rng() % 5000) : real();
    u.height_fraction = real();
    u.altered = (trial % 2) == 1;
    u.synthetic = (trial % 7) == 0;
    const json expected = {{"agent_names", u.agent_names},
                           {"agents", u.agent_names.size()},
                           {"altered", u.altered},
                           {"double", u.double_id},
                           {"fps", u.fps},
                           {"frame", u.key.frame},
                           {"height_fraction", u.height_fraction},
                           {"licence", u.licence_id},
                           {"performer", u.performer_id},
                           {"pixels", u.pixels},
                           {"production", u.key.production},
                           {"render", u.render_id},
                           {"shot", u.key.shot},
                           {"synthetic", u.synthetic}};
    ASSERT_EQ(Payload(u), expected.dump(-1, ' ', false, json::error_handler_t::replace))
        << "trial " << trial;
  }
}

TEST(PayloadsTest, EachKindParsesBackToWhatWasBuilt) {
  const UsageEvent u = SampleUsage();
  auto usage = ParseUsage(EntryOf(EntryType::kUsage, Payload(u)));
  ASSERT_TRUE(usage.ok()) << usage.status().ToString();
  EXPECT_EQ(usage->render_id, u.render_id);
  EXPECT_EQ(usage->key, u.key);
  EXPECT_EQ(usage->fps, u.fps);
  EXPECT_EQ(usage->double_id, u.double_id);
  EXPECT_EQ(usage->performer_id, u.performer_id);
  EXPECT_EQ(usage->licence_id, u.licence_id);
  EXPECT_EQ(usage->agent_names, u.agent_names);
  EXPECT_EQ(usage->pixels, u.pixels);
  EXPECT_EQ(usage->height_fraction, u.height_fraction);
  EXPECT_EQ(usage->altered, u.altered);
  EXPECT_EQ(usage->synthetic, u.synthetic);
  EXPECT_EQ(Payload(*usage), Payload(u));

  const SupersedeEvent s{"rnd_2", "rnd_1", {"prd_1", "sh010", -3}};
  auto supersede = ParseSupersede(EntryOf(EntryType::kSupersede, Payload(s)));
  ASSERT_TRUE(supersede.ok()) << supersede.status().ToString();
  EXPECT_EQ(Payload(*supersede), Payload(s));

  const LicenceSignedEvent l = SampleSigned();
  auto signed_event = ParseLicenceSigned(EntryOf(EntryType::kLicenceSigned, Payload(l)));
  ASSERT_TRUE(signed_event.ok()) << signed_event.status().ToString();
  EXPECT_EQ(signed_event->terms, l.terms);
  EXPECT_EQ(Payload(*signed_event), Payload(l));

  const LicenceRevokedEvent r{"lic_1", "per_1", {2026, 3, 1}};
  auto revoked = ParseLicenceRevoked(EntryOf(EntryType::kLicenceRevoked, Payload(r)));
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_EQ(revoked->effective, r.effective);
  EXPECT_EQ(Payload(*revoked), Payload(r));

  auto erased = ParsePerformerErased(EntryOf(EntryType::kPerformerErased, R"({"performer":"p"})"));
  ASSERT_TRUE(erased.ok());
  EXPECT_EQ(erased->performer_id, "p");

  StudioRegisteredEvent st{"stu_1", "S", {}};
  st.public_key.fill(0x7f);
  auto studio = ParseStudioRegistered(EntryOf(EntryType::kStudioRegistered, Payload(st)));
  ASSERT_TRUE(studio.ok()) << studio.status().ToString();
  EXPECT_EQ(studio->public_key, st.public_key);
  EXPECT_EQ(Payload(*studio), Payload(st));

  const ProductionDeclaredEvent pd{SampleProduction()};
  auto production = ParseProductionDeclared(EntryOf(EntryType::kProductionDeclared, Payload(pd)));
  ASSERT_TRUE(production.ok()) << production.status().ToString();
  EXPECT_EQ(production->production.declaration.frame_rate, pd.production.declaration.frame_rate);
  EXPECT_EQ(production->production.signature, pd.production.signature);
  EXPECT_EQ(Payload(*production), Payload(pd));

  const PerformerDeceasedEvent dead{"per_1", {2026, 5, 1}};
  auto deceased = ParsePerformerDeceased(EntryOf(EntryType::kPerformerDeceased, Payload(dead)));
  ASSERT_TRUE(deceased.ok()) << deceased.status().ToString();
  EXPECT_EQ(deceased->died_on, dead.died_on);
}

// Every field of a usage payload, dropped or given a wrong value, is DataLoss naming the entry and
// that field; never a default.
TEST(PayloadsTest, EveryBadUsageFieldIsNamed) {
  const json good = json::parse(Payload(SampleUsage()));
  const std::vector<std::pair<std::string, json>> wrong = {
      {"agent_names", json::array({"a0", 3})},
      {"agents", 3},  // two names
      {"altered", "yes"},
      {"double", 12},
      {"fps", 0},
      {"frame", 1.5},
      {"height_fraction", -0.1},
      {"licence", nullptr},
      {"performer", json::array()},
      {"pixels", "150"},
      {"production", false},
      {"render", json::object()},
      {"shot", 10},
      {"synthetic", 0},
  };
  ASSERT_EQ(wrong.size(), good.size());  // one case per documented field
  for (const auto& [field, value] : wrong) {
    for (const bool drop : {true, false}) {
      if (drop && field == "agent_names") continue;  // the legacy form, tested below
      json bad = good;
      if (drop) {
        bad.erase(field);
      } else {
        bad[field] = value;
      }
      auto r = ParseUsage(EntryOf(EntryType::kUsage, bad.dump(), 41));
      ASSERT_FALSE(r.ok()) << field << (drop ? " dropped" : " wrong");
      EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
      EXPECT_EQ(r.status().message().rfind("ledger entry 41 (usage): field \"" + field + "\"", 0),
                0u)
          << r.status().message();
    }
  }
  json over = good;
  over["fps"] = 1000.5;
  EXPECT_NE(
      ParseUsage(EntryOf(EntryType::kUsage, over.dump())).status().message().find("(0, 1000]"),
      std::string::npos);
}

// Usage entries written before agent names were recorded carry only their number: stand-ins are
// named after the double. Without `agents` either, the entry is refused.
TEST(PayloadsTest, UsageWithoutAgentNamesGetsStandIns) {
  json legacy = json::parse(Payload(SampleUsage()));
  legacy.erase("agent_names");
  auto r = ParseUsage(EntryOf(EntryType::kUsage, legacy.dump()));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->agent_names, (std::vector<std::string>{"dbl_1#0", "dbl_1#1"}));
  legacy.erase("agents");
  EXPECT_EQ(ParseUsage(EntryOf(EntryType::kUsage, legacy.dump())).status().message(),
            "ledger entry 7 (usage): field \"agents\" is missing");
}

TEST(PayloadsTest, LicenceEventsAreReadStrictly) {
  json signed_bad = json::parse(Payload(SampleSigned()));
  signed_bad["terms"] = "{}";  // terms as text, not the object that was signed
  EXPECT_EQ(ParseLicenceSigned(EntryOf(EntryType::kLicenceSigned, signed_bad.dump(), 3))
                .status()
                .message(),
            "ledger entry 3 (licence_signed): field \"terms\": expected a JSON object");
  signed_bad = json::parse(Payload(SampleSigned()));
  signed_bad.erase("signed_at");
  EXPECT_EQ(
      ParseLicenceSigned(EntryOf(EntryType::kLicenceSigned, signed_bad.dump(), 3)).status().code(),
      StatusCode::kDataLoss);
  const std::string revoked = R"({"effective":"2026-02-30","licence":"l","performer":"p"})";
  EXPECT_EQ(ParseLicenceRevoked(EntryOf(EntryType::kLicenceRevoked, revoked, 9)).status().message(),
            "ledger entry 9 (licence_revoked): field \"effective\": expected a date YYYY-MM-DD");
  EXPECT_EQ(ParsePerformerErased(EntryOf(EntryType::kPerformerErased, "{}", 2)).status().message(),
            "ledger entry 2 (performer_erased): field \"performer\" is missing");
}

TEST(PayloadsTest, DeclarationsAndDeathsAreReadStrictly) {
  json production = json::parse(Payload(ProductionDeclaredEvent{SampleProduction()}));
  production["fps"] = "1000/1";
  EXPECT_EQ(
      ParseProductionDeclared(EntryOf(EntryType::kProductionDeclared, production.dump(), 4))
          .status()
          .message(),
      "ledger entry 4 (production_declared): field \"fps\": expected a standard frame rate as "
      "FRAMES/SECONDS (\"24/1\", \"24000/1001\")");
  production["fps"] = "23.976";  // a name, not the exact text that was signed
  EXPECT_EQ(ParseProductionDeclared(EntryOf(EntryType::kProductionDeclared, production.dump()))
                .status()
                .code(),
            StatusCode::kDataLoss);
  production = json::parse(Payload(ProductionDeclaredEvent{SampleProduction()}));
  production["signature"] = "abcd";
  EXPECT_EQ(ParseProductionDeclared(EntryOf(EntryType::kProductionDeclared, production.dump(), 4))
                .status()
                .message(),
            "ledger entry 4 (production_declared): field \"signature\": expected 128 hex digits");
  production.erase("content");
  EXPECT_EQ(ParseProductionDeclared(EntryOf(EntryType::kProductionDeclared, production.dump()))
                .status()
                .code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(ParseStudioRegistered(EntryOf(EntryType::kStudioRegistered,
                                          R"({"name":"S","public_key":"00","studio":"s"})", 6))
                .status()
                .message(),
            "ledger entry 6 (studio_registered): field \"public_key\": expected 64 hex digits");
  EXPECT_EQ(ParsePerformerDeceased(EntryOf(EntryType::kPerformerDeceased,
                                           R"({"died_on":"yesterday","performer":"p"})", 8))
                .status()
                .message(),
            "ledger entry 8 (performer_deceased): field \"died_on\": expected a date YYYY-MM-DD");
}

std::string Repeat(std::string_view hex_byte, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += hex_byte;
  return out;
}

SignedConsent SampleConsent() {
  SignedConsent c;
  c.signer = consent::Signer::kEstate;
  c.signer_id = "est_1";
  c.public_key.fill(0x11);
  c.signature.fill(0x22);
  c.terms_sha256 = Repeat("a", 64);
  c.disclosure_sha256 = Repeat("b", 64);
  c.language = consent::Language::kFrench;
  c.representation = consent::Representation::kUnion;
  c.version = 2;
  c.custodial = false;
  return c;
}

KeyEnrolledEvent SampleReplacement() {
  KeyEnrolledEvent k;
  k.signer = consent::Signer::kPerformer;
  k.signer_id = "per_1";
  k.performer_id = "per_1";
  k.public_key.fill(0x33);
  k.how = KeyOrigin::kReplacement;
  k.valid_from = 1790000100;
  k.confirmed_by = "rep_1";
  k.code_sha256 = Repeat("c", 64);
  k.confirmation.fill(0x44);
  return k;
}

// Schema v4's entries: a licence_signed carrying its consent record, key enrolment, revocation and
// a representative's registration, pinned like the others.
TEST(PayloadsTest, KeyEventsAndConsentRecordsArePinnedAndParseBack) {
  LicenceSignedEvent l = SampleSigned();
  l.consent = SampleConsent();
  EXPECT_EQ(Payload(l),
            R"({"custodial":false,"disclosure_sha256":")" + Repeat("b", 64) +
                R"(","language":"fr","licence":"lic_1","performer":"per_1","public_key":")" +
                Repeat("11", 32) + R"(","representation":"union","signature":")" +
                Repeat("22", 64) +
                R"(","signed_at":1790000000,"signer":"estate","signer_id":"est_1",)"
                R"("studio":"stu_1","synthetic":false,"terms":{"compensation":{"currency":)"
                R"("EUR","scan_fee":180.0},"revocable":true,"uses":["background"]},)"
                R"("terms_sha256":")" +
                Repeat("a", 64) + R"(","version":2})");
  auto parsed = ParseLicenceSigned(EntryOf(EntryType::kLicenceSigned, Payload(l)));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_TRUE(parsed->consent.has_value());
  EXPECT_EQ(parsed->consent->signer, consent::Signer::kEstate);
  EXPECT_EQ(parsed->consent->signature, l.consent->signature);
  EXPECT_EQ(parsed->consent->language, consent::Language::kFrench);
  EXPECT_EQ(parsed->consent->version, 2);
  // An entry from before v4 has no consent record: custodial, not re-verifiable.
  auto old = ParseLicenceSigned(EntryOf(EntryType::kLicenceSigned, Payload(SampleSigned())));
  ASSERT_TRUE(old.ok());
  EXPECT_FALSE(old->consent.has_value());

  EXPECT_EQ(Payload(SampleReplacement()),
            R"({"code_sha256":")" + Repeat("c", 64) + R"(","confirmation":")" + Repeat("44", 64) +
                R"(","confirmed_by":"rep_1","how":"replacement","performer":"per_1",)"
                R"("public_key":")" +
                Repeat("33", 32) +
                R"(","signer":"performer","signer_id":"per_1","valid_from":1790000100})");
  auto enrolled = ParseKeyEnrolled(EntryOf(EntryType::kKeyEnrolled, Payload(SampleReplacement())));
  ASSERT_TRUE(enrolled.ok()) << enrolled.status().ToString();
  EXPECT_EQ(enrolled->how, KeyOrigin::kReplacement);
  EXPECT_EQ(enrolled->confirmation, SampleReplacement().confirmation);
  KeyEnrolledEvent by_code = SampleReplacement();
  by_code.how = KeyOrigin::kEnrolmentCode;
  EXPECT_EQ(Payload(by_code), R"({"how":"enrolment_code","performer":"per_1","public_key":")" +
                                  Repeat("33", 32) +
                                  R"(","signer":"performer","signer_id":"per_1",)"
                                  R"("valid_from":1790000100})");
  KeyRevokedEvent revoked{consent::Signer::kPerformer, "per_1", "per_1", {}, 1790000200, "lost"};
  revoked.public_key.fill(0x33);
  EXPECT_EQ(Payload(revoked), R"({"from":1790000200,"performer":"per_1","public_key":")" +
                                  Repeat("33", 32) +
                                  R"(","reason":"lost","signer":"performer","signer_id":"per_1"})");
  EXPECT_TRUE(ParseKeyRevoked(EntryOf(EntryType::kKeyRevoked, Payload(revoked))).ok());
  RepresentativeRegisteredEvent rep{
      "rep_1", "Union des artistes", consent::Representation::kUnion, {}};
  EXPECT_EQ(Payload(rep), R"({"kind":"union","name":"Union des artistes","public_key":")" +
                              Repeat("00", 32) + R"(","representative":"rep_1"})");
  EXPECT_TRUE(
      ParseRepresentativeRegistered(EntryOf(EntryType::kRepresentativeRegistered, Payload(rep)))
          .ok());
}

TEST(PayloadsTest, KeyEventsAndConsentRecordsAreReadStrictly) {
  LicenceSignedEvent l = SampleSigned();
  l.consent = SampleConsent();
  json bad = json::parse(Payload(l));
  bad.erase("signer_id");  // a record with a signature has every field
  EXPECT_EQ(
      ParseLicenceSigned(EntryOf(EntryType::kLicenceSigned, bad.dump(), 3)).status().message(),
      "ledger entry 3 (licence_signed): field \"signer_id\" is missing");
  bad = json::parse(Payload(l));
  bad["terms_sha256"] = Repeat("A", 64);
  EXPECT_EQ(
      ParseLicenceSigned(EntryOf(EntryType::kLicenceSigned, bad.dump(), 3)).status().message(),
      "ledger entry 3 (licence_signed): field \"terms_sha256\": expected 64 lowercase hex "
      "digits");
  bad = json::parse(Payload(l));
  bad["version"] = 3;
  EXPECT_EQ(
      ParseLicenceSigned(EntryOf(EntryType::kLicenceSigned, bad.dump(), 3)).status().message(),
      "ledger entry 3 (licence_signed): field \"version\": expected an integer in [1, 2]");
  bad = json::parse(Payload(l));
  bad["signer"] = "agent";
  EXPECT_EQ(
      ParseLicenceSigned(EntryOf(EntryType::kLicenceSigned, bad.dump(), 3)).status().message(),
      "ledger entry 3 (licence_signed): field \"signer\": expected one of performer, estate");
  json enrolled = json::parse(Payload(SampleReplacement()));
  enrolled.erase("confirmation");  // a replacement names its confirmation
  EXPECT_EQ(
      ParseKeyEnrolled(EntryOf(EntryType::kKeyEnrolled, enrolled.dump(), 9)).status().message(),
      "ledger entry 9 (key_enrolled): field \"confirmation\" is missing");
  enrolled["how"] = "guessed";
  EXPECT_EQ(
      ParseKeyEnrolled(EntryOf(EntryType::kKeyEnrolled, enrolled.dump(), 9)).status().message(),
      "ledger entry 9 (key_enrolled): field \"how\": expected one of enrolment_code, "
      "replacement, custodial");
  json rep = {{"kind", "none"},
              {"name", "N"},
              {"public_key", Repeat("00", 32)},
              {"representative", "rep_1"}};
  EXPECT_EQ(
      ParseRepresentativeRegistered(EntryOf(EntryType::kRepresentativeRegistered, rep.dump(), 11))
          .status()
          .message(),
      "ledger entry 11 (representative_registered): field \"kind\": expected one of union, "
      "counsel");
}

TEST(PayloadsTest, NotAnObjectOrTheWrongTypeIsRefused) {
  const auto not_object = ParseSupersede(EntryOf(EntryType::kSupersede, "[1,2]", 5));
  EXPECT_EQ(not_object.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(not_object.status().message(),
            "ledger entry 5 (supersede): payload is not a JSON object");
  EXPECT_EQ(PayloadObject(EntryOf(EntryType::kUsage, "{\"x\":")).status().code(),
            StatusCode::kDataLoss);
  const auto wrong_type = ParseUsage(EntryOf(EntryType::kSupersede, Payload(SampleUsage()), 5));
  EXPECT_EQ(wrong_type.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(wrong_type.status().message(), "ledger entry 5 is a supersede entry, not usage");
}

}  // namespace
}  // namespace figurant::ledger
