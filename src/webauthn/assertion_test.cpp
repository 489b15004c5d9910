// The assertion check of docs/passkeys.md against assertions made here as an authenticator makes
// them: keys from OpenSSL (P-256) and libsodium (Ed25519), authenticatorData, clientDataJSON and
// the signature built by the test with OpenSSL's own SHA-256 and base64, independently of
// src/webauthn. Each step's refusal is shown by breaking exactly that step.
#include "webauthn/assertion.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <sodium.h>

#include <algorithm>

namespace figurant::webauthn {
namespace {

const std::string kOrigin = "https://bank.example";
const std::string kRpId = "bank.example";

std::string Base64UrlByOpenSsl(const Bytes& b) {
  std::string out(4 * ((b.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), b.data(),
                                static_cast<int>(b.size()));
  out.resize(static_cast<size_t>(n));
  std::replace(out.begin(), out.end(), '+', '-');
  std::replace(out.begin(), out.end(), '/', '_');
  out.erase(std::remove(out.begin(), out.end(), '='), out.end());
  return out;
}

Bytes Spki(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(key, &der);
  Bytes out(der, der + n);
  OPENSSL_free(der);
  return out;
}

// One authenticator with one credential.
class Authenticator {
 public:
  explicit Authenticator(Algorithm alg) : alg_(alg) {
    if (alg == Algorithm::kEs256) {
      key_ = EVP_EC_gen("P-256");
    } else {
      crypto_sign_keypair(ed_public_, ed_secret_);
      key_ = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, ed_public_, 32);
    }
  }
  ~Authenticator() { EVP_PKEY_free(key_); }

  Credential Stored() const { return {Bytes(20, 0xAB), alg_, Spki(key_), 0}; }

  struct Options {
    std::string type = "webauthn.get";
    std::string origin = kOrigin;
    std::string rp_id = kRpId;
    std::string extra;  // appended inside clientDataJSON
    uint8_t flags = 0x05;
    uint32_t count = 0;
  };
  Assertion Sign(const Bytes& challenge, const Options& o) const {
    Assertion a;
    a.credential_id = Bytes(20, 0xAB);
    a.client_data_json = R"({"type":")" + o.type + R"(","challenge":")" +
                         Base64UrlByOpenSsl(challenge) + R"(","origin":")" + o.origin + "\"" +
                         o.extra + "}";
    a.authenticator_data.resize(37);
    SHA256(reinterpret_cast<const unsigned char*>(o.rp_id.data()), o.rp_id.size(),
           a.authenticator_data.data());
    a.authenticator_data[32] = o.flags;
    for (int i = 0; i < 4; ++i) {
      a.authenticator_data[33 + i] = static_cast<uint8_t>(o.count >> (24 - 8 * i));
    }
    Bytes message = a.authenticator_data;
    unsigned char hash[32];
    SHA256(reinterpret_cast<const unsigned char*>(a.client_data_json.data()),
           a.client_data_json.size(), hash);
    message.insert(message.end(), hash, hash + 32);
    if (alg_ == Algorithm::kEdDsa) {
      a.signature.resize(crypto_sign_BYTES);
      crypto_sign_detached(a.signature.data(), nullptr, message.data(), message.size(), ed_secret_);
    } else {
      EVP_MD_CTX* ctx = EVP_MD_CTX_new();
      size_t len = 0;
      EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_);
      EVP_DigestSign(ctx, nullptr, &len, message.data(), message.size());
      a.signature.resize(len);
      EVP_DigestSign(ctx, a.signature.data(), &len, message.data(), message.size());
      a.signature.resize(len);
      EVP_MD_CTX_free(ctx);
    }
    return a;
  }

 private:
  Algorithm alg_;
  EVP_PKEY* key_ = nullptr;
  unsigned char ed_public_[crypto_sign_PUBLICKEYBYTES] = {};
  unsigned char ed_secret_[crypto_sign_SECRETKEYBYTES] = {};
};

class AssertionTest : public ::testing::TestWithParam<Algorithm> {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
  Expected Want() const { return {challenge_, kOrigin, kRpId}; }
  Bytes challenge_ = Bytes(32, 0x5C);
};

TEST_P(AssertionTest, AGoodAssertionVerifiesAndReturnsItsCounter) {
  const Authenticator device(GetParam());
  Credential stored = device.Stored();
  ASSERT_TRUE(CheckCredential(stored).ok()) << CheckCredential(stored).ToString();
  Authenticator::Options o;
  o.count = 7;
  auto v = VerifyAssertion(stored, Want(), device.Sign(challenge_, o));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->sign_count, 7u);
  stored.sign_count = 7;
  o.count = 0;
  EXPECT_EQ(VerifyAssertion(stored, Want(), device.Sign(challenge_, o)).status().code(),
            StatusCode::kPermissionDenied)
      << "a counter that went back";
  stored.sign_count = 0;
  EXPECT_TRUE(VerifyAssertion(stored, Want(), device.Sign(challenge_, o)).ok())
      << "an authenticator that keeps no counter";
}

// Breaking one step at a time: each is refused, naming what it found.
TEST_P(AssertionTest, EachStepRefusesWhatBreaksIt) {
  const Authenticator device(GetParam());
  const Credential stored = device.Stored();
  const auto refused = [&](const Assertion& a, const std::string& says) {
    const auto v = VerifyAssertion(stored, Want(), a);
    EXPECT_EQ(v.status().code(), StatusCode::kPermissionDenied) << says;
    EXPECT_NE(v.status().message().find(says), std::string::npos) << v.status().message();
  };
  Authenticator::Options o;
  Assertion other_id = device.Sign(challenge_, o);
  other_id.credential_id[0] ^= 1;
  refused(other_id, "another credential");
  o.type = "webauthn.create";
  refused(device.Sign(challenge_, o), "clientDataJSON.type");
  o = {};
  refused(device.Sign(Bytes(32, 0x5D), o), "clientDataJSON.challenge");
  o.origin = "https://evil.example";
  refused(device.Sign(challenge_, o), "clientDataJSON.origin is \"https://evil.example\"");
  o = {};
  o.extra = R"(,"crossOrigin":true)";
  refused(device.Sign(challenge_, o), "crossOrigin");
  o = {};
  o.rp_id = "evil.example";
  refused(device.Sign(challenge_, o), "rpIdHash");
  o = {};
  o.flags = 0x04;
  refused(device.Sign(challenge_, o), "UP (user present)");
  o.flags = 0x01;
  refused(device.Sign(challenge_, o), "UV (user verified)");
  o.flags = 0x45;
  refused(device.Sign(challenge_, o), "flag AT");
  o = {};
  Assertion forged = device.Sign(challenge_, o);
  forged.client_data_json.insert(forged.client_data_json.size() - 1, R"(,"x":1)");
  refused(forged, "does not verify");
  o.extra = R"(,"crossOrigin":false)";
  EXPECT_TRUE(VerifyAssertion(stored, Want(), device.Sign(challenge_, o)).ok());
}

TEST_P(AssertionTest, MalformedPartsAreBadInputNotACrash) {
  const Authenticator device(GetParam());
  const Credential stored = device.Stored();
  Assertion a = device.Sign(challenge_, {});
  a.client_data_json = "{not json";
  EXPECT_EQ(VerifyAssertion(stored, Want(), a).status().code(), StatusCode::kInvalidArgument);
  a = device.Sign(challenge_, {});
  a.authenticator_data.resize(36);
  EXPECT_EQ(VerifyAssertion(stored, Want(), a).status().code(), StatusCode::kInvalidArgument);
  a = device.Sign(challenge_, {});
  a.authenticator_data.push_back(0);  // trailing bytes without the ED flag
  EXPECT_EQ(VerifyAssertion(stored, Want(), a).status().code(), StatusCode::kInvalidArgument);
  a = device.Sign(challenge_, {});
  a.signature.clear();
  EXPECT_EQ(VerifyAssertion(stored, Want(), a).status().code(), StatusCode::kPermissionDenied);
}

INSTANTIATE_TEST_SUITE_P(Es256AndEdDsa, AssertionTest,
                         ::testing::Values(Algorithm::kEs256, Algorithm::kEdDsa),
                         [](const auto& info) { return std::string(AlgorithmName(info.param)); });

TEST(CredentialTest, AKeyOfTheWrongTypeOrAnOddIdIsRefused) {
  ASSERT_TRUE(InitCrypto().ok());
  const Authenticator p256(Algorithm::kEs256);
  Credential c = p256.Stored();
  c.algorithm = Algorithm::kEdDsa;
  EXPECT_EQ(CheckCredential(c).code(), StatusCode::kInvalidArgument);
  c = p256.Stored();
  c.id.resize(8);
  EXPECT_EQ(CheckCredential(c).code(), StatusCode::kInvalidArgument);
  c = p256.Stored();
  c.public_key_spki.pop_back();
  EXPECT_EQ(CheckCredential(c).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(AlgorithmFromCose(-257).status().code(), StatusCode::kInvalidArgument) << "RS256";
  EXPECT_EQ(*AlgorithmFromCose(-8), Algorithm::kEdDsa);
  EXPECT_EQ(Base64Url({0xfb, 0xff}), "-_8");
}

}  // namespace
}  // namespace figurant::webauthn
