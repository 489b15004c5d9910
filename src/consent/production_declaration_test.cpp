#include "consent/production_declaration.h"

#include <gtest/gtest.h>

namespace figurant::consent {
namespace {

ProductionDeclaration Sample() {
  return {"prd_0123456789abcdef", "stu_0123456789abcdef", "Le Grand Match",         {"streaming"},
          {"FR", "BE"},           {"violence"},           *ParseFrameRate("23.976")};
}

// The signed bytes are part of the registry's format: existing signatures must keep verifying.
TEST(ProductionDeclarationTest, MessageIsPinnedToItsBytes) {
  EXPECT_EQ(DeclarationMessage(Sample()),
            "figurant-production-v1\n"
            R"({"content":["violence"],"fps":"24000/1001","media":["streaming"],)"
            R"("production":"prd_0123456789abcdef","studio":"stu_0123456789abcdef",)"
            R"("territories":["FR","BE"],"title":"Le Grand Match"})");
}

TEST(ProductionDeclarationTest, EveryDeclaredFactIsCoveredBySignature) {
  ASSERT_TRUE(InitCrypto().ok());
  const SigningKeyPair studio = GenerateSigningKeyPair();
  const SignedProduction signed_production = SignProduction(Sample(), studio);
  EXPECT_TRUE(VerifyProduction(signed_production).ok());
  EXPECT_EQ(signed_production.public_key, studio.public_key);

  const std::vector<std::pair<const char*, void (*)(ProductionDeclaration&)>> edits = {
      {"production", [](ProductionDeclaration& d) { d.production_id[4] = 'f'; }},
      {"studio", [](ProductionDeclaration& d) { d.studio_id[4] = 'f'; }},
      {"title", [](ProductionDeclaration& d) { d.title += "!"; }},
      {"media", [](ProductionDeclaration& d) { d.media.push_back("theatrical"); }},
      {"territories", [](ProductionDeclaration& d) { d.territories.pop_back(); }},
      {"content", [](ProductionDeclaration& d) { d.content.clear(); }},
      {"fps", [](ProductionDeclaration& d) { d.frame_rate = *ParseFrameRate("24"); }},
  };
  for (const auto& [what, edit] : edits) {
    SignedProduction altered = signed_production;
    edit(altered.declaration);
    const Status s = VerifyProduction(altered);
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << what;
  }
  // Another key signing the altered facts is a valid signature by someone else: the caller
  // compares the key with the studio's.
  ProductionDeclaration other = Sample();
  other.content.clear();
  const SigningKeyPair forger = GenerateSigningKeyPair();
  const SignedProduction forged = SignProduction(other, forger);
  EXPECT_TRUE(VerifyProduction(forged).ok());
  EXPECT_NE(forged.public_key, studio.public_key);
}

TEST(ProductionDeclarationTest, ValidationNamesTheBadField) {
  EXPECT_TRUE(ValidateDeclaration(Sample()).ok());
  ProductionDeclaration d = Sample();
  d.production_id = "prd_x";
  EXPECT_NE(ValidateDeclaration(d).message().find("prd_x"), std::string::npos);
  d = Sample();
  d.title.clear();
  EXPECT_EQ(ValidateDeclaration(d).code(), StatusCode::kInvalidArgument);
  d = Sample();
  d.media = {"cinema"};
  EXPECT_NE(ValidateDeclaration(d).message().find("media"), std::string::npos);
  d = Sample();
  d.content = {"gore"};
  EXPECT_NE(ValidateDeclaration(d).message().find("content"), std::string::npos);
}

}  // namespace
}  // namespace figurant::consent
