// Test-only: one authenticator with one credential, making registrations and assertions as a
// browser's authenticator makes them, so that tests of every module that checks passkeys use real
// signatures: keys from OpenSSL (P-256) and libsodium (Ed25519); authenticatorData,
// clientDataJSON and the signature built with OpenSSL's own SHA-256 and base64, independently of
// src/webauthn. Link OpenSSL::Crypto, libsodium and GoogleTest; InitCrypto first. Not for
// production code.
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <sodium.h>

#include <algorithm>
#include <string>

#include "webauthn/assertion.h"
#include "webauthn/registration.h"

namespace figurant::webauthn::testonly {

inline const std::string kTestOrigin = "https://bank.example";
inline const std::string kTestRpId = "bank.example";

inline std::string Base64UrlByOpenSsl(const Bytes& b) {
  std::string out(4 * ((b.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), b.data(),
                                static_cast<int>(b.size()));
  out.resize(static_cast<size_t>(n));
  std::replace(out.begin(), out.end(), '+', '-');
  std::replace(out.begin(), out.end(), '/', '_');
  out.erase(std::remove(out.begin(), out.end(), '='), out.end());
  return out;
}

inline Bytes SpkiOf(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(key, &der);
  Bytes out(der, der + n);
  OPENSSL_free(der);
  return out;
}

// For INSTANTIATE_TEST_SUITE_P over kBothAlgorithms: names each case ES256 or EdDSA.
inline std::string AlgorithmParamName(const ::testing::TestParamInfo<Algorithm>& info) {
  return std::string(AlgorithmName(info.param));
}
inline const auto kBothAlgorithms = ::testing::Values(Algorithm::kEs256, Algorithm::kEdDsa);

class Authenticator {
 public:
  // `id_byte` fills the 20-byte credential id, so two authenticators can have different ids.
  explicit Authenticator(Algorithm alg, uint8_t id_byte = 0xAB) : alg_(alg), id_(20, id_byte) {
    if (alg == Algorithm::kEs256) {
      key_ = EVP_EC_gen("P-256");
    } else {
      crypto_sign_keypair(ed_public_, ed_secret_);
      key_ = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, ed_public_, 32);
    }
  }
  ~Authenticator() { EVP_PKEY_free(key_); }
  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  const Bytes& id() const { return id_; }
  Bytes Spki() const { return SpkiOf(key_); }
  Credential Stored() const { return {id_, alg_, Spki(), 0}; }

  struct Options {
    std::string type = "webauthn.get";
    std::string origin = kTestOrigin;
    std::string rp_id = kTestRpId;
    std::string extra;  // appended inside clientDataJSON
    uint8_t flags = 0x05;
    uint32_t count = 0;
  };

  std::string ClientData(const Bytes& challenge, const Options& o) const {
    return R"({"type":")" + o.type + R"(","challenge":")" + Base64UrlByOpenSsl(challenge) +
           R"(","origin":")" + o.origin + "\"" + o.extra + "}";
  }

  // rpIdHash, flags and signCount.
  static Bytes Header(const Options& o) {
    Bytes data(37);
    SHA256(reinterpret_cast<const unsigned char*>(o.rp_id.data()), o.rp_id.size(), data.data());
    data[32] = o.flags;
    for (int i = 0; i < 4; ++i) data[33 + i] = static_cast<uint8_t>(o.count >> (24 - 8 * i));
    return data;
  }

  Assertion Sign(const Bytes& challenge, const Options& o) const {
    Assertion a;
    a.credential_id = id_;
    a.client_data_json = ClientData(challenge, o);
    a.authenticator_data = Header(o);
    a.signature = SignOver(a.authenticator_data, a.client_data_json);
    return a;
  }

  // A registration (attestation "none"): options default to type webauthn.create and flags
  // UP|UV|AT; the attested credential data is a zero AAGUID, the id and a stand-in COSE key.
  Registration Register(const Bytes& challenge, const Options& o) const {
    Registration r;
    r.raw_id = id_;
    r.public_key_spki = Spki();
    r.algorithm = static_cast<int64_t>(alg_);
    r.client_data_json = ClientData(challenge, o);
    r.authenticator_data = Header(o);
    r.authenticator_data.insert(r.authenticator_data.end(), 16, 0);
    r.authenticator_data.push_back(static_cast<uint8_t>(id_.size() >> 8));
    r.authenticator_data.push_back(static_cast<uint8_t>(id_.size()));
    r.authenticator_data.insert(r.authenticator_data.end(), id_.begin(), id_.end());
    r.authenticator_data.insert(r.authenticator_data.end(), {0xa5, 0x01, 0x02});
    return r;
  }
  static Options RegisterOptions() {
    Options o;
    o.type = "webauthn.create";
    o.flags = 0x45;
    return o;
  }

 private:
  Bytes SignOver(const Bytes& authenticator_data, const std::string& client_data_json) const {
    Bytes message = authenticator_data;
    unsigned char hash[32];
    SHA256(reinterpret_cast<const unsigned char*>(client_data_json.data()), client_data_json.size(),
           hash);
    message.insert(message.end(), hash, hash + 32);
    Bytes signature;
    if (alg_ == Algorithm::kEdDsa) {
      signature.resize(crypto_sign_BYTES);
      crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(), ed_secret_);
      return signature;
    }
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    size_t len = 0;
    EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_);
    EVP_DigestSign(ctx, nullptr, &len, message.data(), message.size());
    signature.resize(len);
    EVP_DigestSign(ctx, signature.data(), &len, message.data(), message.size());
    signature.resize(len);
    EVP_MD_CTX_free(ctx);
    return signature;
  }

  Algorithm alg_;
  Bytes id_;
  EVP_PKEY* key_ = nullptr;
  unsigned char ed_public_[crypto_sign_PUBLICKEYBYTES] = {};
  unsigned char ed_secret_[crypto_sign_SECRETKEYBYTES] = {};
};

}  // namespace figurant::webauthn::testonly
