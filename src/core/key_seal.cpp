#include "core/key_seal.h"

#include <sodium.h>

#include <charconv>
#include <vector>

#include "core/crypto.h"
#include "core/file.h"

namespace figurant {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kAlgorithm = "argon2id13";

// The parts of a sealed key file, as parsed.
struct Sealed {
  unsigned long long opslimit = 0;
  size_t memlimit = 0;
  Bytes salt, nonce, ciphertext;
};

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    lines.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

template <typename T>
bool ParseNumber(std::string_view s, T& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

Result<Sealed> ParseSealed(std::string_view text, const fs::path& file) {
  const Status damaged =
      DataLoss("sealed key file " + file.string() + " is damaged (expected the 5 lines of " +
               std::string(kSealedKeyMagic) + ", docs/keys.md)");
  const std::vector<std::string_view> lines = Lines(text);
  if (lines.size() != 5 || lines[0] != kSealedKeyMagic) return damaged;
  const std::string_view p = lines[1];
  Sealed s;
  const auto sp1 = p.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : p.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || p.substr(0, sp1) != kAlgorithm ||
      !ParseNumber(p.substr(sp1 + 1, sp2 - sp1 - 1), s.opslimit) ||
      !ParseNumber(p.substr(sp2 + 1), s.memlimit)) {
    return damaged;
  }
  if (s.opslimit < crypto_pwhash_OPSLIMIT_MIN || s.opslimit > crypto_pwhash_OPSLIMIT_MODERATE ||
      s.memlimit < crypto_pwhash_MEMLIMIT_MIN || s.memlimit > crypto_pwhash_MEMLIMIT_MODERATE) {
    return DataLoss("sealed key file " + file.string() +
                    " asks for Argon2id limits beyond libsodium's moderate ones");
  }
  auto salt = FromHex(lines[2]);
  auto nonce = FromHex(lines[3]);
  auto ciphertext = FromHex(lines[4]);
  if (!salt.ok() || salt->size() != crypto_pwhash_SALTBYTES || !nonce.ok() ||
      nonce->size() != crypto_secretbox_NONCEBYTES || !ciphertext.ok() ||
      ciphertext->size() < crypto_secretbox_MACBYTES) {
    return damaged;
  }
  s.salt = *std::move(salt);
  s.nonce = *std::move(nonce);
  s.ciphertext = *std::move(ciphertext);
  return s;
}

// The secretbox key for `passphrase` under the sealed file's salt and limits.
Status DeriveKey(std::string_view passphrase, const Sealed& s,
                 std::array<uint8_t, crypto_secretbox_KEYBYTES>& key) {
  if (crypto_pwhash(key.data(), key.size(), passphrase.data(), passphrase.size(), s.salt.data(),
                    s.opslimit, s.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Internal("Argon2id could not allocate its memory to derive the key-file key");
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> SealWithPassphrase(std::string_view plaintext, std::string_view passphrase) {
  if (passphrase.empty()) return InvalidArgument("the key passphrase must not be empty");
  Sealed s;
  s.opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  s.memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  s.salt.resize(crypto_pwhash_SALTBYTES);
  s.nonce.resize(crypto_secretbox_NONCEBYTES);
  randombytes_buf(s.salt.data(), s.salt.size());
  randombytes_buf(s.nonce.data(), s.nonce.size());
  std::array<uint8_t, crypto_secretbox_KEYBYTES> key{};
  FIGURANT_RETURN_IF_ERROR(DeriveKey(passphrase, s, key));
  s.ciphertext.resize(plaintext.size() + crypto_secretbox_MACBYTES);
  crypto_secretbox_easy(s.ciphertext.data(), reinterpret_cast<const uint8_t*>(plaintext.data()),
                        plaintext.size(), s.nonce.data(), key.data());
  SecureZero(key.data(), key.size());
  return std::string(kSealedKeyMagic) + "\n" + std::string(kAlgorithm) + " " +
         std::to_string(s.opslimit) + " " + std::to_string(s.memlimit) + "\n" + ToHex(s.salt) +
         "\n" + ToHex(s.nonce) + "\n" + ToHex(s.ciphertext) + "\n";
}

bool IsSealedKeyText(std::string_view text) {
  return text.substr(0, text.find('\n')) == kSealedKeyMagic;
}

Result<std::string> UnsealWithPassphrase(std::string_view sealed, std::string_view passphrase,
                                         const fs::path& file) {
  FIGURANT_ASSIGN_OR_RETURN(Sealed s, ParseSealed(sealed, file));
  std::array<uint8_t, crypto_secretbox_KEYBYTES> key{};
  FIGURANT_RETURN_IF_ERROR(DeriveKey(passphrase, s, key));
  std::string plaintext(s.ciphertext.size() - crypto_secretbox_MACBYTES, '\0');
  const int rc =
      crypto_secretbox_open_easy(reinterpret_cast<uint8_t*>(plaintext.data()), s.ciphertext.data(),
                                 s.ciphertext.size(), s.nonce.data(), key.data());
  SecureZero(key.data(), key.size());
  if (rc != 0) {
    return Unauthenticated("sealed key file " + file.string() +
                           " does not open with the key passphrase (wrong passphrase, or the "
                           "file was altered)");
  }
  return plaintext;
}

Result<std::string> ReadKeyFileText(const fs::path& path, const KeyPassphrase& passphrase) {
  FIGURANT_ASSIGN_OR_RETURN(std::string text, ReadPrivateFile(path));
  if (!IsSealedKeyText(text)) return text;
  if (!passphrase) {
    SecureZero(text.data(), text.size());
    return FailedPrecondition("key file " + path.string() +
                              " is sealed with a passphrase; give it in FIGURANT_KEY_PASSPHRASE "
                              "or in a private file named by FIGURANT_KEY_PASSPHRASE_FILE");
  }
  Result<std::string> opened = UnsealWithPassphrase(text, *passphrase, path);
  SecureZero(text.data(), text.size());
  return opened;
}

Status SealKeyFileInPlace(const fs::path& path, std::string_view passphrase) {
  FIGURANT_ASSIGN_OR_RETURN(std::string text, ReadPrivateFile(path));
  if (IsSealedKeyText(text))
    return AlreadyExists("key file " + path.string() + " is sealed already");
  Result<std::string> sealed = SealWithPassphrase(text, passphrase);
  SecureZero(text.data(), text.size());
  if (!sealed.ok()) return sealed.status();
  constexpr unsigned kPrivateMode = 0600;
  return WriteFileAtomic(path, *sealed, kPrivateMode);
}

Result<std::string> KeyFileTextToStore(std::string_view plaintext,
                                       const KeyPassphrase& passphrase) {
  if (!passphrase) return std::string(plaintext);
  return SealWithPassphrase(plaintext, *passphrase);
}

}  // namespace figurant
