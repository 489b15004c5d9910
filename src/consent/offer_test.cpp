#include "consent/offer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "consent/test_terms.h"

namespace figurant::consent {
namespace {

using nlohmann::json;

constexpr char kStudio[] = "stu_00000000000000a1";
constexpr char kPerformer[] = "per_00000000000000b2";

class OfferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    offer_.licence_id = "lic_00000000000000c3";
    offer_.performer_id = kPerformer;
    offer_.studio_id = kStudio;
    offer_.studio_name = "Lumière Pictures";
    offer_.signer = Signer::kPerformer;
    offer_.signer_id = kPerformer;
    offer_.language = Language::kFrench;
    offer_.terms_text = CanonicalTermsText(*ParseTerms(testing::ExampleTermsJson(), "t", kStudio));
    offer_.disclosure_text = "LICENCE D'UTILISATION DE VOTRE DOUBLE NUMÉRIQUE\nSignez-la ici.\n";
  }

  // The offer's JSON with `change` merged into it (a null value removes the field).
  std::string OfferWith(const json& change) const {
    json j = json::parse(OfferJson(offer_));
    j.merge_patch(change);
    return j.dump();
  }

  // A signed record of the offer, as `key sign` makes it.
  ConsentRecord Signed(const SigningKeyPair& key) const {
    ConsentRecord r = RecordFor(offer_, Representation::kCounsel, 1780315200);
    EXPECT_TRUE(SignConsent(r, offer_.terms_text, key).ok());
    return r;
  }

  Offer offer_;
};

// Refused as InvalidArgument naming the file and the field.
void ExpectRefused(const Status& s, const std::string& field, const std::string& why = "") {
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << field;
  EXPECT_NE(s.message().find("offer.json: field '" + field + "'"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find(why), std::string::npos) << s.message();
}

TEST_F(OfferTest, RoundTripsAndIsCanonical) {
  const std::string text = OfferJson(offer_);
  auto back = ParseOffer(text, "offer.json");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->licence_id, offer_.licence_id);
  EXPECT_EQ(back->studio_name, offer_.studio_name);
  EXPECT_EQ(back->signer, Signer::kPerformer);
  EXPECT_EQ(back->language, Language::kFrench);
  EXPECT_EQ(back->terms_text, offer_.terms_text);
  EXPECT_EQ(back->disclosure_text, offer_.disclosure_text);
  EXPECT_EQ(OfferJson(*back), text);
  // Keys sorted: "disclosure_text" < "format" < "language" < ... < "terms_text".
  EXPECT_LT(text.find("\"disclosure_text\""), text.find("\"format\""));
  EXPECT_LT(text.find("\"studio_name\""), text.find("\"terms_text\""));
}

TEST_F(OfferTest, EveryMissingFieldIsNamed) {
  for (const char* field : {"format", "licence_id", "performer_id", "studio_id", "studio_name",
                            "signer", "signer_id", "language", "terms_text", "disclosure_text"}) {
    ExpectRefused(ParseOffer(OfferWith({{field, nullptr}}), "offer.json").status(), field,
                  "missing");
  }
}

TEST_F(OfferTest, EveryWrongTypeIsNamed) {
  for (const char* field : {"format", "licence_id", "performer_id", "studio_id", "studio_name",
                            "signer", "signer_id", "language", "terms_text", "disclosure_text"}) {
    ExpectRefused(ParseOffer(OfferWith({{field, 7}}), "offer.json").status(), field);
    ExpectRefused(ParseOffer(OfferWith({{field, json::array()}}), "offer.json").status(), field);
  }
}

TEST_F(OfferTest, MalformedValuesAreNamed) {
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"format", "figurant-offer-v2"}}, "format"},
      {{{"licence_id", "lic_00000000000000C3"}}, "licence_id"},  // upper case
      {{{"licence_id", "per_00000000000000c3"}}, "licence_id"},  // another kind's id
      {{{"performer_id", "per_1"}}, "performer_id"},
      {{{"studio_id", "stu_00000000000000a1\n"}}, "studio_id"},
      {{{"studio_name", ""}}, "studio_name"},
      {{{"studio_name", "Lumière\nsigned by: your union"}}, "studio_name"},
      {{{"signer", "agent"}}, "signer"},
      {{{"signer_id", "per_00000000000000ff"}}, "signer_id"},  // not the performer
      {{{"signer", "estate"}}, "signer_id"},                   // an estate signs with an est_ id
      {{{"language", "de"}}, "language"},
      {{{"terms_text", "{}"}}, "terms_text"},
      {{{"disclosure_text", ""}}, "disclosure_text"},
      // An escape sequence could make a terminal show another text than the one signed.
      {{{"disclosure_text", "You keep all rights.\x1b[2K\rYou grant everything.\n"}},
       "disclosure_text"},
      {{{"disclosure_text",
         "C1 control \xc2\x9b"
         "2K\n"}},
       "disclosure_text"},
  };
  for (const auto& [change, field] : cases) {
    ExpectRefused(ParseOffer(OfferWith(change), "offer.json").status(), field);
  }
}

TEST_F(OfferTest, TermsMustBeTheCanonicalTermsOfTheStudio) {
  // The same terms with a space: another hash than the one the bank stores.
  std::string spaced = offer_.terms_text;
  spaced.insert(1, " ");
  ExpectRefused(ParseOffer(OfferWith({{"terms_text", spaced}}), "offer.json").status(),
                "terms_text", "canonical");
  json other = testing::ExampleTermsJson();
  other["studio"] = "stu_00000000000000ff";
  const std::string for_other = CanonicalTermsText(*ParseTerms(other, "t"));
  ExpectRefused(ParseOffer(OfferWith({{"terms_text", for_other}}), "offer.json").status(),
                "terms_text");
}

TEST_F(OfferTest, UnknownFieldsAndNonObjectsAreRefused) {
  ExpectRefused(ParseOffer(OfferWith({{"valid_until", "2099-01-01"}}), "offer.json").status(),
                "valid_until", "unknown field");
  EXPECT_EQ(ParseOffer("[]", "offer.json").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseOffer("{", "offer.json").status().code(), StatusCode::kInvalidArgument);
  const std::string twice = R"({"format": "figurant-offer-v1", "format": "figurant-offer-v1"})";
  EXPECT_NE(ParseOffer(twice, "offer.json").status().message().find("offer.json"),
            std::string::npos);
}

TEST_F(OfferTest, EstateOffersRoundTrip) {
  offer_.signer = Signer::kEstate;
  offer_.signer_id = "est_00000000000000d4";
  auto back = ParseOffer(OfferJson(offer_), "offer.json");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->signer, Signer::kEstate);
  EXPECT_EQ(back->signer_id, "est_00000000000000d4");
}

TEST_F(OfferTest, RecordForBindsTheOffer) {
  const ConsentRecord r = RecordFor(offer_, Representation::kUnion, 1780315200);
  EXPECT_EQ(r.version, kConsentMessageV2);
  EXPECT_EQ(r.terms_sha256, Sha256Hex(offer_.terms_text));
  EXPECT_EQ(r.disclosure_sha256, Sha256Hex(offer_.disclosure_text));
  EXPECT_EQ(r.language, Language::kFrench);
  EXPECT_EQ(r.signer_id, kPerformer);
  EXPECT_EQ(r.representation, Representation::kUnion);
  EXPECT_TRUE(r.signature.empty());
  EXPECT_TRUE(CheckConsentFields(r).ok());
}

TEST_F(OfferTest, SignatureFileRoundTripsAndVerifies) {
  const SigningKeyPair key = GenerateSigningKeyPair();
  const ConsentRecord r = Signed(key);
  const std::string text = ConsentSignatureJson(r);
  EXPECT_EQ(text.find("disclosure_text"), std::string::npos);  // bound by its hash only
  auto back = ParseConsentSignature(text, "sig.json");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(ConsentMessage(*back), ConsentMessage(r));
  EXPECT_EQ(back->signature, r.signature);
  EXPECT_EQ(ConsentSignatureJson(*back), text);
  EXPECT_TRUE(VerifyConsentByHash(*back, offer_.terms_text, r.public_key).ok());
  std::string other_terms = offer_.terms_text;
  other_terms.replace(other_terms.find("180.0"), 5, "18.00");
  EXPECT_FALSE(VerifyConsentByHash(*back, other_terms, r.public_key).ok());
}

TEST_F(OfferTest, MalformedSignatureFieldsAreNamed) {
  const SigningKeyPair key = GenerateSigningKeyPair();
  const json good = json::parse(ConsentSignatureJson(Signed(key)));
  const std::string pk = good["public_key"];
  std::string upper_hash = good["terms_sha256"];
  upper_hash[0] = 'A';
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"format", "figurant-consent-signature-v1"}}, "format"},
      {{{"licence_id", nullptr}}, "licence_id"},
      {{{"studio_id", 3}}, "studio_id"},
      {{{"terms_sha256", upper_hash}}, "terms_sha256"},
      {{{"disclosure_sha256", "00"}}, "disclosure_sha256"},
      {{{"language", "EN"}}, "language"},
      {{{"signed_at", "2026-06-01 12:00:00"}}, "signed_at"},
      {{{"representation", "agent"}}, "representation"},
      {{{"signer", nullptr}}, "signer"},
      {{{"signer_id", "est_00000000000000d4"}}, "signer_id"},
      {{{"public_key", pk.substr(2)}}, "public_key"},
      {{{"public_key", "zz" + pk.substr(2)}}, "public_key"},
      {{{"signature", "00"}}, "signature"},
      {{{"disclosure_text", "shown"}}, "disclosure_text"},  // unknown here
  };
  for (const auto& [change, field] : cases) {
    json j = good;
    j.merge_patch(change);
    const Status s = ParseConsentSignature(j.dump(), "sig.json").status();
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << field;
    EXPECT_NE(s.message().find("sig.json: field '" + field + "'"), std::string::npos)
        << s.message();
  }
}

TEST_F(OfferTest, RequestShowsWhoAsksAndTheExactDisclosureInTheOffersLanguage) {
  const std::string fr = SigningRequestText(offer_, "ab12");
  EXPECT_NE(fr.find(offer_.disclosure_text), std::string::npos);
  EXPECT_NE(fr.find("Lumière Pictures (" + std::string(kStudio) + ")"), std::string::npos);
  EXPECT_NE(fr.find(offer_.licence_id), std::string::npos);
  EXPECT_NE(fr.find("ab12"), std::string::npos);
  EXPECT_NE(fr.find("Tapez signer"), std::string::npos);
  EXPECT_EQ(ConfirmationWord(Language::kFrench), "signer");
  offer_.language = Language::kEnglish;
  EXPECT_NE(SigningRequestText(offer_, "ab12").find("Type sign and"), std::string::npos);
  EXPECT_EQ(ConfirmationWord(Language::kEnglish), "sign");
}

}  // namespace
}  // namespace figurant::consent
