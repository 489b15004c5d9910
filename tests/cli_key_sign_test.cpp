// The offline key tool end to end, through the real binary and without a bank: a performer's key
// made and sealed on their device, an offer signed only after the signer types the word, and a
// signature file the bank's side can verify with nothing but the offer's terms and the public key.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "bank/bank.h"
#include "cli_harness.h"
#include "consent/offer.h"
#include "consent/statement.h"
#include "core/file.h"

namespace figurant::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kNow[] = "2026-06-01T12:00:00Z";
constexpr char kStudio[] = "stu_00000000000000a1";
constexpr char kPerformer[] = "per_00000000000000b2";

std::string ReadText(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class CliKeySignTest : public ::testing::Test {
 protected:
  CliKeySignTest() : dir_("cli-key-sign") {}

  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    key_ = dir_.path() / "performer.key";
    const RunResult made = Figurant({"key", "new", "--out", key_.string()}, WithPartyPassphrase());
    ASSERT_EQ(made.exit_code, 0) << made.err;
    offer_.licence_id = "lic_00000000000000c3";
    offer_.performer_id = kPerformer;
    offer_.studio_id = kStudio;
    offer_.studio_name = "Lumière Pictures";
    offer_.signer_id = kPerformer;
    offer_.language = consent::Language::kEnglish;
    const json terms = {{"productions", {"prd_00000000000000e5"}},
                        {"uses", {"background"}},
                        {"media", {"streaming"}},
                        {"territories", {"FR"}},
                        {"valid_from", "2026-01-01"},
                        {"valid_until", "2027-12-31"},
                        {"max_screen_height_fraction", 0.2},
                        {"compensation", {{"currency", "EUR"}, {"scan_fee", 180.0}}},
                        {"revocable", true},
                        {"revocation_notice_days", 30}};
    offer_.terms_text = consent::CanonicalTermsText(*consent::ParseTerms(terms, "t", kStudio));
    offer_.disclosure_text = "LICENCE TO USE YOUR DIGITAL DOUBLE\nRead this before you sign.\n";
    WriteOffer(offer_);
  }

  // figurant with --bank naming a directory that does not exist: the key tool must never need
  // or make one.
  RunResult Figurant(std::vector<std::string> args, const std::map<std::string, std::string>& env,
                     const std::string& input = "") {
    args.insert(args.begin(), {"--bank", NoBank().string()});
    return RunFigurantWithInput(args, input, env);
  }

  // `key sign` of the offer with `input` typed on standard input.
  RunResult Sign(const std::string& input,
                 std::map<std::string, std::string> env = WithPartyPassphrase()) {
    env.emplace("FIGURANT_NOW", kNow);
    return Figurant({"key", "sign", OfferFile().string(), "--key", key_.string(), "--out",
                     SignatureFile().string(), "--represented-by", "union"},
                    env, input);
  }

  void WriteOffer(const consent::Offer& offer) const {
    std::ofstream(OfferFile()) << consent::OfferJson(offer);
  }

  bank::Ed25519PublicKey PublicKey() const {
    const std::string pub = ReadText(key_.string() + ".pub");
    auto raw = FromHex(pub.substr(pub.find('\n') + 1, 2 * kEd25519PublicKeyBytes));
    bank::Ed25519PublicKey key{};
    std::copy(raw->begin(), raw->end(), key.begin());
    return key;
  }

  fs::path NoBank() const { return dir_.path() / "no-bank"; }
  fs::path OfferFile() const { return dir_.path() / "offer.json"; }
  fs::path SignatureFile() const { return dir_.path() / "signature.json"; }

  TempDir dir_;
  fs::path key_;
  consent::Offer offer_;
};

TEST_F(CliKeySignTest, KeyNewSealsThePrivateKeyAndPrintsThePublicOne) {
  const std::string text = ReadText(key_);
  EXPECT_EQ(text.rfind(std::string(kSealedKeyMagic) + "\n", 0), 0u) << text;
  EXPECT_EQ(text.find("figurant-ed25519-v1"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(key_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto opened = bank::ReadSigningKey(key_, std::string(kPartyPassphrase));
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(opened->public_key, PublicKey());
  EXPECT_FALSE(fs::exists(NoBank()));
}

TEST_F(CliKeySignTest, KeyNewWithoutPassphraseOrTerminalWritesNothing) {
  const fs::path other = dir_.path() / "other.key";
  const RunResult r = Figurant({"key", "new", "--out", other.string()}, {});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("FIGURANT_KEY_PASSPHRASE "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("FIGURANT_KEY_PASSPHRASE_FILE"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(other));
  EXPECT_FALSE(fs::exists(other.string() + ".pub"));
}

TEST_F(CliKeySignTest, TypingTheWordSignsAndTheSignatureVerifies) {
  const RunResult r = Sign("sign\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The signer saw who asks, the exact disclosure and the key that signs.
  EXPECT_NE(r.out.find("Lumière Pictures (" + std::string(kStudio) + ")"), std::string::npos);
  EXPECT_NE(r.out.find(offer_.licence_id), std::string::npos);
  EXPECT_NE(r.out.find(offer_.disclosure_text), std::string::npos);
  EXPECT_NE(r.out.find(ToHex(PublicKey())), std::string::npos);

  auto record = consent::ParseConsentSignature(ReadText(SignatureFile()), "signature.json");
  ASSERT_TRUE(record.ok()) << record.status().message();
  const bank::Ed25519PublicKey enrolled = PublicKey();
  const Bytes public_key(enrolled.begin(), enrolled.end());
  const Status verified = consent::VerifyConsentByHash(*record, offer_.terms_text, public_key);
  EXPECT_TRUE(verified.ok()) << verified.message();
  EXPECT_EQ(record->disclosure_sha256, Sha256Hex(offer_.disclosure_text));
  EXPECT_EQ(record->representation, consent::Representation::kUnion);
  EXPECT_EQ(FormatTimestamp(record->signed_at), kNow);
  struct stat st {};
  ASSERT_EQ(::stat(SignatureFile().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  EXPECT_FALSE(fs::exists(NoBank()));

  // Other terms than the offer's do not verify.
  std::string other_terms = offer_.terms_text;
  other_terms.replace(other_terms.find("180.0"), 5, "18.00");
  EXPECT_FALSE(consent::VerifyConsentByHash(*record, other_terms, public_key).ok());
}

TEST_F(CliKeySignTest, AnyOtherAnswerSignsNothing) {
  for (const std::string answer : {"no\n", "", "sign it\n", "SIGN\n", "signer\n"}) {
    const RunResult r = Sign(answer);
    EXPECT_NE(r.exit_code, 0) << answer;
    EXPECT_NE(r.err.find("nothing was signed"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(SignatureFile())) << answer;
  }
}

TEST_F(CliKeySignTest, AFrenchOfferIsAskedAndConfirmedInFrench) {
  offer_.language = consent::Language::kFrench;
  offer_.disclosure_text =
      "LICENCE D'UTILISATION DE VOTRE DOUBLE NUMÉRIQUE\nLisez avant de signer.\n";
  WriteOffer(offer_);
  const RunResult english = Sign("sign\n");
  EXPECT_NE(english.exit_code, 0);
  EXPECT_NE(english.out.find("Tapez signer"), std::string::npos) << english.out;
  EXPECT_FALSE(fs::exists(SignatureFile()));
  const RunResult r = Sign("signer\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto record = consent::ParseConsentSignature(ReadText(SignatureFile()), "signature.json");
  ASSERT_TRUE(record.ok()) << record.status().message();
  EXPECT_EQ(record->language, consent::Language::kFrench);
}

TEST_F(CliKeySignTest, AWrongPassphraseIsRefusedClearly) {
  const RunResult r = Sign("sign\n", {{"FIGURANT_KEY_PASSPHRASE", "not the passphrase"}});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("--key"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("does not open with the key passphrase"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(SignatureFile()));
}

TEST_F(CliKeySignTest, NoPassphraseAndNoTerminalNamesBothVariables) {
  const RunResult r = Sign("sign\n", {});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("FIGURANT_KEY_PASSPHRASE_FILE"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(SignatureFile()));
}

TEST_F(CliKeySignTest, ATamperedOfferIsRefusedNamingTheField) {
  json offer = json::parse(consent::OfferJson(offer_));
  offer["licence_id"] = "lic_0000000000000XYZ";
  std::ofstream(OfferFile()) << offer.dump();
  const RunResult r = Sign("sign\n");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("field 'licence_id'"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("Lumière"), std::string::npos);  // nothing shown, nothing asked
  EXPECT_FALSE(fs::exists(SignatureFile()));
}

TEST_F(CliKeySignTest, AnExistingSignatureFileIsNeverReplaced) {
  std::ofstream(SignatureFile()) << "kept";
  const RunResult r = Sign("sign\n");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(ReadText(SignatureFile()), "kept");
}

// key sign-statement: a union's strike declaration, every field shown, signed only on the word.
TEST_F(CliKeySignTest, AStatementIsShownFieldByFieldAndSignedOnlyOnTheWord) {
  consent::StatementRequest request;
  request.kind = consent::StatementKind::kStrike;
  request.language = consent::Language::kEnglish;
  request.fields = {{"union", "uni_00000000000000f6"},
                    {"studio", kStudio},
                    {"from", "2026-07-01"},
                    {"until", "2026-09-30"}};
  const fs::path file = dir_.path() / "strike.json";
  std::ofstream(file) << consent::StatementRequestJson(request);
  auto sign = [&](const std::string& answer) {
    return Figurant({"key", "sign-statement", file.string(), "--key", key_.string(), "--out",
                     SignatureFile().string()},
                    WithPartyPassphrase(), answer);
  };
  const RunResult refused = sign("yes\n");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("nothing was signed"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(SignatureFile()));

  const RunResult r = sign("sign\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const consent::StatementField& f : request.fields) {
    EXPECT_NE(r.out.find(f.name + ": " + f.value), std::string::npos) << r.out;
  }
  auto statement = consent::ParseStatementSignature(ReadText(SignatureFile()), "signature.json");
  ASSERT_TRUE(statement.ok()) << statement.status().message();
  const bank::Ed25519PublicKey enrolled = PublicKey();
  EXPECT_TRUE(consent::VerifyStatement(*statement, Bytes(enrolled.begin(), enrolled.end())).ok());
  EXPECT_EQ(statement->kind, consent::StatementKind::kStrike);
  EXPECT_FALSE(fs::exists(NoBank()));

  // A request with a forged line is refused before anything is asked.
  json forged = json::parse(consent::StatementRequestJson(request));
  forged["fields"][2]["value"] = "2026-07-01\nuntil=2099-12-31";
  std::ofstream(file) << forged.dump();
  fs::remove(SignatureFile());
  const RunResult bad = sign("sign\n");
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("field 'fields[2].value'"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(SignatureFile()));
}

}  // namespace
}  // namespace figurant::testing
