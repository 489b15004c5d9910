#include "webauthn/assertion.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sodium.h>

#include <memory>

#include "webauthn/internal/checks.h"

namespace figurant::webauthn {
namespace {

constexpr size_t kMinCredentialId = 16, kMaxCredentialId = 1023;

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

// Steps 3 and 4: the relying party, the flags and the counter; the new counter.
Result<Verified> CheckAuthenticatorData(const Credential& credential, const Expected& expected,
                                        const Bytes& data) {
  Verified v;
  FIGURANT_ASSIGN_OR_RETURN(v.flags, internal::CheckRelyingPartyAndUser(expected, data));
  if ((v.flags & kFlagExtensionData) == 0 && data.size() != kAuthenticatorDataMinBytes) {
    return InvalidArgument("authenticatorData: trailing bytes without the extension-data flag");
  }
  if ((v.flags & kFlagAttestedData) != 0) {
    return PermissionDenied("flag AT set: an assertion carries no attested credential data");
  }
  v.sign_count = internal::SignCountOf(data);
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
  FIGURANT_RETURN_IF_ERROR(
      internal::CheckClientData(expected, assertion.client_data_json, "webauthn.get"));
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

Result<Bytes> FromBase64Url(std::string_view text) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  Bytes out(text.size() * 3 / 4 + 1);
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end,
                        kVariant) != 0 ||
      end != text.data() + text.size()) {
    return InvalidArgument("not base64url without padding (RFC 4648 section 5)");
  }
  out.resize(len);
  return out;
}

Sha256Digest Fingerprint(const Bytes& public_key_spki) {
  return Sha256(public_key_spki.data(), public_key_spki.size());
}

}  // namespace figurant::webauthn
