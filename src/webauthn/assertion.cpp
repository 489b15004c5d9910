#include "webauthn/assertion.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sodium.h>

#include <memory>
#include <nlohmann/json.hpp>

namespace figurant::webauthn {
namespace {

using nlohmann::json;

constexpr size_t kMinCredentialId = 16, kMaxCredentialId = 1023;
constexpr size_t kRpIdHashBytes = 32;
constexpr size_t kFlagsAt = 32, kSignCountAt = 33;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// The key of a DER SubjectPublicKeyInfo, when it is of `alg`'s type (P-256 for ES256).
Result<Pkey> ReadKey(const Bytes& spki, Algorithm alg) {
  const unsigned char* p = spki.data();
  Pkey key(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
  if (!key || p != spki.data() + spki.size()) {
    return InvalidArgument("public_key: not a DER SubjectPublicKeyInfo");
  }
  if (alg == Algorithm::kEdDsa) {
    if (EVP_PKEY_id(key.get()) != EVP_PKEY_ED25519) {
      return InvalidArgument("public_key: EdDSA needs an Ed25519 key");
    }
    return key;
  }
  if (EVP_PKEY_id(key.get()) != EVP_PKEY_EC || EVP_PKEY_get_bits(key.get()) != 256) {
    return InvalidArgument("public_key: ES256 needs a P-256 key");
  }
  char group[64] = {};
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key.get(), "group", group, sizeof group, &len) != 1 ||
      std::string_view(group, len) != "prime256v1") {
    return InvalidArgument("public_key: ES256 needs a P-256 key");
  }
  return key;
}

bool VerifyEs256(EVP_PKEY* key, const Bytes& message, const Bytes& signature) {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                          message.size()) == 1;
}

bool VerifyEd25519(EVP_PKEY* key, const Bytes& message, const Bytes& signature) {
  unsigned char raw[crypto_sign_PUBLICKEYBYTES];
  size_t len = sizeof raw;
  if (EVP_PKEY_get_raw_public_key(key, raw, &len) != 1 || len != sizeof raw) return false;
  return signature.size() == crypto_sign_BYTES &&
         crypto_sign_verify_detached(signature.data(), message.data(), message.size(), raw) == 0;
}

std::string Quoted(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Step 2: the client data is a get for this challenge at this origin.
Status CheckClientData(const Expected& expected, const std::string& text) {
  if (text.size() > kMaxClientDataBytes) {
    return InvalidArgument("clientDataJSON: longer than " + std::to_string(kMaxClientDataBytes) +
                           " bytes");
  }
  const json c = json::parse(text, nullptr, false);
  if (!c.is_object()) return InvalidArgument("clientDataJSON: not a JSON object");
  const auto member = [&](const char* name) { return c.contains(name) ? c[name] : json(); };
  if (member("type") != "webauthn.get") {
    return PermissionDenied("clientDataJSON.type is " + Quoted(member("type")) +
                            ", expected \"webauthn.get\"");
  }
  if (member("challenge") != Base64Url(expected.challenge)) {
    return PermissionDenied("clientDataJSON.challenge is not the expected challenge");
  }
  if (member("origin") != expected.origin) {
    return PermissionDenied("clientDataJSON.origin is " + Quoted(member("origin")) +
                            ", expected \"" + expected.origin + "\"");
  }
  if (c.contains("crossOrigin") && c["crossOrigin"] != false) {
    return PermissionDenied("clientDataJSON.crossOrigin is " + Quoted(c["crossOrigin"]) +
                            ": a cross-origin assertion is refused");
  }
  return Status::Ok();
}

// Steps 3 and 4: the relying party, the flags and the counter; the new counter.
Result<Verified> CheckAuthenticatorData(const Credential& credential, const Expected& expected,
                                        const Bytes& data) {
  if (data.size() < kAuthenticatorDataMinBytes) {
    return InvalidArgument("authenticatorData: " + std::to_string(data.size()) +
                           " bytes, expected at least 37");
  }
  const Sha256Digest rp = Sha256(expected.rp_id);
  if (!std::equal(rp.begin(), rp.end(), data.begin())) {
    return PermissionDenied("authenticatorData.rpIdHash is not SHA-256 of '" + expected.rp_id +
                            "'");
  }
  Verified v;
  v.flags = data[kFlagsAt];
  if ((v.flags & kFlagExtensionData) == 0 && data.size() != kAuthenticatorDataMinBytes) {
    return InvalidArgument("authenticatorData: trailing bytes without the extension-data flag");
  }
  if ((v.flags & kFlagUserPresent) == 0) return PermissionDenied("flag UP (user present) not set");
  if ((v.flags & kFlagUserVerified) == 0) {
    return PermissionDenied("flag UV (user verified) not set");
  }
  if ((v.flags & kFlagAttestedData) != 0) {
    return PermissionDenied("flag AT set: an assertion carries no attested credential data");
  }
  for (size_t i = 0; i < 4; ++i) {
    v.sign_count = (v.sign_count << 8) | data[kSignCountAt + i];
  }
  if ((v.sign_count != 0 || credential.sign_count != 0) && v.sign_count <= credential.sign_count) {
    return PermissionDenied("sign count " + std::to_string(v.sign_count) +
                            " did not advance past " + std::to_string(credential.sign_count) +
                            ": the credential may have been cloned");
  }
  return v;
}

}  // namespace

std::string_view AlgorithmName(Algorithm alg) {
  return alg == Algorithm::kEs256 ? "ES256" : "EdDSA";
}

Result<Algorithm> AlgorithmFromCose(int64_t cose) {
  if (cose == static_cast<int64_t>(Algorithm::kEs256)) return Algorithm::kEs256;
  if (cose == static_cast<int64_t>(Algorithm::kEdDsa)) return Algorithm::kEdDsa;
  return InvalidArgument("algorithm: COSE " + std::to_string(cose) +
                         " is not accepted; expected -7 (ES256) or -8 (EdDSA)");
}

Status CheckCredential(const Credential& credential) {
  if (credential.id.size() < kMinCredentialId || credential.id.size() > kMaxCredentialId) {
    return InvalidArgument("id: " + std::to_string(credential.id.size()) +
                           " bytes, expected 16 to 1023");
  }
  return ReadKey(credential.public_key_spki, credential.algorithm).status();
}

Result<Verified> VerifyAssertion(const Credential& credential, const Expected& expected,
                                 const Assertion& assertion) {
  if (assertion.credential_id != credential.id) {
    return PermissionDenied("the assertion is by another credential");
  }
  FIGURANT_RETURN_IF_ERROR(CheckClientData(expected, assertion.client_data_json));
  FIGURANT_ASSIGN_OR_RETURN(
      const Verified v, CheckAuthenticatorData(credential, expected, assertion.authenticator_data));
  FIGURANT_ASSIGN_OR_RETURN(const Pkey key,
                            ReadKey(credential.public_key_spki, credential.algorithm));
  Bytes message = assertion.authenticator_data;
  const Sha256Digest client_hash = Sha256(assertion.client_data_json);
  message.insert(message.end(), client_hash.begin(), client_hash.end());
  const bool good = credential.algorithm == Algorithm::kEs256
                        ? VerifyEs256(key.get(), message, assertion.signature)
                        : VerifyEd25519(key.get(), message, assertion.signature);
  if (!good) {
    return PermissionDenied(std::string("the ") + std::string(AlgorithmName(credential.algorithm)) +
                            " signature does not verify over authenticatorData and the hash of "
                            "clientDataJSON");
  }
  return v;
}

std::string Base64Url(const Bytes& bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), kVariant);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

}  // namespace figurant::webauthn
