#include "consent/statement.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace figurant::consent {
namespace {

using nlohmann::json;

class StatementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    request_.kind = StatementKind::kSuspendLicence;
    request_.language = Language::kFrench;
    request_.fields = {{"licence", "lic_00000000000000c3"},
                       {"performer", "per_00000000000000b2"},
                       {"from", "2026-07-01"},
                       {"signed_at", "2026-06-01T12:00:00Z"}};
    key_ = GenerateSigningKeyPair();
    public_key_.assign(key_.public_key.begin(), key_.public_key.end());
  }

  // The request's JSON with `change` merged into it.
  std::string RequestWith(const json& change) const {
    json j = json::parse(StatementRequestJson(request_));
    j.merge_patch(change);
    return j.dump();
  }

  StatementRequest request_;
  SigningKeyPair key_;
  Bytes public_key_;
};

TEST_F(StatementTest, MessageIsTaggedWithItsKindAndOneLinePerFieldInOrder) {
  auto m = StatementMessage(request_.kind, request_.fields);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(*m,
            "figurant-statement-v1\nkind=suspend_licence\nlicence=lic_00000000000000c3\n"
            "performer=per_00000000000000b2\nfrom=2026-07-01\nsigned_at=2026-06-01T12:00:00Z\n");
  // The same fields in another order, or under another kind, are another message.
  std::vector<StatementField> swapped = request_.fields;
  std::swap(swapped[0], swapped[1]);
  EXPECT_NE(*StatementMessage(request_.kind, swapped), *m);
  EXPECT_NE(*StatementMessage(StatementKind::kResumeLicence, request_.fields), *m);
}

// A value or a name that could forge a line, and names that could be read two ways, are refused.
TEST_F(StatementTest, FieldsThatCouldForgeALineAreRefused) {
  const std::vector<std::pair<StatementField, std::string>> cases = {
      {{"from", "2026-07-01\nkind=strike"}, "fields[2].value"},
      {{"from", ""}, "fields[2].value"},
      {{"from", "x\x1b[2K"}, "fields[2].value"},
      {{"fr=om", "x"}, "fields[2].name"},
      {{"From", "x"}, "fields[2].name"},
      {{"kind", "strike"}, "fields[2].name"},
      {{"licence", "lic_2"}, "fields[2].name"},  // a name given twice
      {{std::string(kMaxStatementFieldName + 1, 'a'), "x"}, "fields[2].name"},
  };
  for (const auto& [field, where] : cases) {
    std::vector<StatementField> fields = request_.fields;
    fields[2] = field;
    const Status s = StatementMessage(request_.kind, fields).status();
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << where;
    EXPECT_NE(s.message().find("field '" + where + "'"), std::string::npos) << s.message();
  }
  EXPECT_FALSE(StatementMessage(request_.kind, {}).ok());
  EXPECT_FALSE(StatementMessage(request_.kind,
                                std::vector<StatementField>(kMaxStatementFields + 1, {"a", "b"}))
                   .ok());
}

TEST_F(StatementTest, RequestRoundTripsAndMalformedOnesAreNamed) {
  const std::string text = StatementRequestJson(request_);
  auto back = ParseStatementRequest(text, "req.json");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(StatementRequestJson(*back), text);
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"format", "figurant-statement-request-v2"}}, "format"},
      {{{"kind", "sign_everything"}}, "kind"},
      {{{"language", nullptr}}, "language"},
      {{{"fields", "licence=lic_1"}}, "fields"},
      {{{"fields", json::array({7})}}, "fields[0]"},
      {{{"fields", json::array({{{"name", "a"}}})}}, "fields[0].value"},
      {{{"fields", json::array({{{"name", "a"}, {"value", 1}}})}}, "fields[0].value"},
      {{{"fields", json::array({{{"name", "a"}, {"value", "b"}, {"why", "c"}}})}}, "fields[0].why"},
      {{{"fields", json::array({{{"name", "a"}, {"value", "b\nc"}}})}}, "fields[0].value"},
      {{{"fields", json::array()}}, "fields"},
      {{{"extra", true}}, "extra"},
  };
  for (const auto& [change, field] : cases) {
    const Status s = ParseStatementRequest(RequestWith(change), "req.json").status();
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << field;
    EXPECT_NE(s.message().find("req.json: field '" + field + "'"), std::string::npos)
        << s.message();
  }
}

TEST_F(StatementTest, SignedStatementRoundTripsAndVerifiesOnlyAsSigned) {
  auto signed_statement = SignStatement(request_, key_);
  ASSERT_TRUE(signed_statement.ok());
  const std::string text = StatementSignatureJson(*signed_statement);
  auto back = ParseStatementSignature(text, "sig.json");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_TRUE(VerifyStatement(*back, public_key_).ok());
  EXPECT_EQ(StatementSignatureJson(*back), text);

  SignedStatement other_kind = *back;
  other_kind.kind = StatementKind::kResumeLicence;
  EXPECT_EQ(VerifyStatement(other_kind, public_key_).code(), StatusCode::kDataLoss);
  SignedStatement other_value = *back;
  other_value.fields[2].value = "2026-07-02";
  EXPECT_EQ(VerifyStatement(other_value, public_key_).code(), StatusCode::kDataLoss);
  const SigningKeyPair stranger = GenerateSigningKeyPair();
  EXPECT_FALSE(
      VerifyStatement(*back, Bytes(stranger.public_key.begin(), stranger.public_key.end())).ok());

  json bad = json::parse(text);
  bad["signature"] = "00";
  EXPECT_NE(ParseStatementSignature(bad.dump(), "sig.json")
                .status()
                .message()
                .find("sig.json: field 'signature'"),
            std::string::npos);
}

TEST_F(StatementTest, RequestTextShowsEveryFieldInTheRequestsLanguage) {
  const std::string fr = StatementRequestText(request_, "ab12");
  for (const StatementField& f : request_.fields) {
    EXPECT_NE(fr.find("  " + f.name + ": " + f.value + "\n"), std::string::npos) << f.name;
  }
  EXPECT_NE(fr.find("suspendez votre consentement"), std::string::npos) << fr;
  EXPECT_NE(fr.find("ab12"), std::string::npos);
  EXPECT_NE(fr.find("Tapez signer"), std::string::npos);
  request_.language = Language::kEnglish;
  request_.kind = StatementKind::kStrike;
  const std::string en = StatementRequestText(request_, "ab12");
  EXPECT_NE(en.find("Statement to sign (strike): you declare a strike."), std::string::npos) << en;
  EXPECT_NE(en.find("Type sign and"), std::string::npos);
}

}  // namespace
}  // namespace figurant::consent
