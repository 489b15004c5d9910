#include "consent/statement.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

namespace figurant::consent {
namespace {

constexpr char kLicence[] = "lic_00112233445566ff";
constexpr char kPerformer[] = "per_0123456789abcdef";
constexpr char kUnion[] = "uni_aaaabbbbccccdddd";
constexpr char kStudio[] = "stu_fedcba9876543210";
constexpr UnixSeconds kSignedAt = 1780000000;  // 2026-05-28T20:26:40Z

SigningKeyPair SeededKey(uint8_t first) {
  std::array<uint8_t, 32> seed{};
  for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<uint8_t>(first + i);
  SigningKeyPair key{};
  crypto_sign_seed_keypair(key.public_key.data(), key.secret_key.data(), seed.data());
  return key;
}

Bytes PublicOf(const SigningKeyPair& key) { return {key.public_key.begin(), key.public_key.end()}; }

Statement SignedSuspension() {
  Statement s =
      SuspensionStatement("suspend", kLicence, kPerformer, *Date::Parse("2026-06-01"), kSignedAt);
  EXPECT_TRUE(SignStatement(s, SeededKey(1)).ok());
  return s;
}

// The bytes of docs/licence.md ("Suspensions and strikes"): if this changes, every signature a
// performer or union made stops verifying.
TEST(StatementTest, TheSignedBytesAreTheDocumentedOnes) {
  const Statement s = SignedSuspension();
  EXPECT_EQ(*StatementMessage(s),
            "figurant-suspension-v1\naction=suspend\nlicence=lic_00112233445566ff\n"
            "performer=per_0123456789abcdef\neffective=2026-06-01\n"
            "signed_at=2026-05-28T20:26:40Z\n");
  EXPECT_EQ(*StatementMessage(
                StrikeStatement("declare", kUnion, kStudio, *Date::Parse("2026-07-01"), kSignedAt)),
            "figurant-strike-v1\naction=declare\nunion=uni_aaaabbbbccccdddd\n"
            "studio=stu_fedcba9876543210\neffective=2026-07-01\nsigned_at=2026-05-28T20:26:40Z\n");
  EXPECT_EQ(*StatementMessage(MembershipStatement("join", kPerformer, kUnion, kSignedAt)),
            "figurant-membership-v1\naction=join\nperformer=per_0123456789abcdef\n"
            "union=uni_aaaabbbbccccdddd\nsigned_at=2026-05-28T20:26:40Z\n");
}

TEST(StatementTest, VerifiesOnlyUnderTheSignersKeyAndUnchangedFields) {
  Statement s = SignedSuspension();
  EXPECT_TRUE(VerifyStatement(s, PublicOf(SeededKey(1))).ok());
  EXPECT_EQ(VerifyStatement(s, PublicOf(SeededKey(2))).code(), StatusCode::kDataLoss);
  Statement later = s;
  later.fields[3].second = "2026-06-02";  // the effective day moved
  EXPECT_EQ(VerifyStatement(later, PublicOf(SeededKey(1))).code(), StatusCode::kDataLoss);
  Statement resumed = s;
  resumed.fields[0].second = "resume";
  EXPECT_EQ(VerifyStatement(resumed, PublicOf(SeededKey(1))).code(), StatusCode::kDataLoss);
}

TEST(StatementTest, AValueWithANewlineCannotBeSignedOrRead) {
  Statement s = SuspensionStatement("suspend", "lic_1\neffective=2020-01-01", kPerformer,
                                    *Date::Parse("2026-06-01"), kSignedAt);
  EXPECT_EQ(StatementMessage(s).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(SignStatement(s, SeededKey(1)).ok());
}

TEST(StatementTest, TheFileRoundTripsAndEveryBadFieldIsNamed) {
  const Statement s = SignedSuspension();
  const std::string text = StatementJson(s);
  auto back = ParseStatement(text, "s.json", "suspension");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->fields, s.fields);
  EXPECT_TRUE(VerifyStatement(*back, PublicOf(SeededKey(1))).ok());

  auto with = [&](const std::string& field, const nlohmann::json& value) {
    nlohmann::json doc = nlohmann::json::parse(text);
    if (value.is_null()) {
      doc.erase(field);
    } else {
      doc[field] = value;
    }
    return ParseStatement(doc.dump(), "s.json", "suspension").status();
  };
  const std::pair<std::string, nlohmann::json> bad[] = {
      {"action", "pause"},
      {"licence", "per_0123456789abcdef"},
      {"effective", "2026-13-01"},
      {"signed_at", "yesterday"},
      {"public_key", "00"},
      {"signature", nullptr},
      {"performer", nullptr},
      {"format", "figurant-strike-v1"},
      {"reason", "the studio asked"},
      {"effective", 20260601},
  };
  for (const auto& [field, value] : bad) {
    const Status st = with(field, value);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << field;
    EXPECT_NE(st.message().find("s.json: field '" + field + "'"), std::string::npos)
        << st.message();
  }
  EXPECT_FALSE(ParseStatement(text, "s.json", "strike").ok()) << "a suspension is not a strike";
}

}  // namespace
}  // namespace figurant::consent
