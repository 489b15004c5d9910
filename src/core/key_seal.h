// Key files sealed with a passphrase (docs/keys.md is the specification).
//
// A sealed key file holds another key file's whole text encrypted under a key derived from the
// operator's passphrase: libsodium crypto_pwhash (Argon2id) derives the key from the passphrase
// and a random salt, and crypto_secretbox (XSalsa20-Poly1305) encrypts and authenticates the text.
// Whoever copies the keys directory without the passphrase holds only ciphertext.
//
//   figurant-sealed-v1
//   argon2id13 <opslimit> <memlimit>
//   <salt, 16 bytes in lowercase hex>
//   <nonce, 24 bytes in lowercase hex>
//   <ciphertext: secretbox of the key file's text, lowercase hex>
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace figurant {

// The passphrase protecting key files at rest; none means key files are stored unsealed.
using KeyPassphrase = std::optional<std::string>;

// The first line of a sealed key file.
inline constexpr std::string_view kSealedKeyMagic = "figurant-sealed-v1";

// Seals `plaintext` (a key file's text) under `passphrase` (Argon2id at libsodium's "interactive"
// limits: 2 passes, 64 MiB). InvalidArgument for an empty passphrase; Internal when libsodium
// cannot allocate the memory.
Result<std::string> SealWithPassphrase(std::string_view plaintext, std::string_view passphrase);

// True when `text` is a sealed key file (its first line is kSealedKeyMagic).
bool IsSealedKeyText(std::string_view text);

// Opens a sealed key file's text. `file` only names the file in messages. DataLoss when the text
// is malformed or its limits are beyond libsodium's "moderate" ones (a hostile file must not make
// the bank spend a gigabyte); Unauthenticated when the passphrase does not open it (wrong
// passphrase, or the file was altered).
Result<std::string> UnsealWithPassphrase(std::string_view sealed, std::string_view passphrase,
                                         const std::filesystem::path& file);

// Reads a key file as ReadPrivateFile does (regular, owned, mode 0600 or stricter, bounded) and
// returns its text, unsealed when sealed. A sealed file without a passphrase is FailedPrecondition
// telling the operator to set FIGURANT_KEY_PASSPHRASE or FIGURANT_KEY_PASSPHRASE_FILE. An unsealed
// file is returned as it is, passphrase or not.
Result<std::string> ReadKeyFileText(const std::filesystem::path& path,
                                    const KeyPassphrase& passphrase);

// Seals an existing unsealed key file in place under `passphrase`: reads it as ReadKeyFileText
// does, then replaces it atomically with its sealed text (mode 0600). AlreadyExists when it is
// sealed already (left untouched); InvalidArgument for an empty passphrase.
Status SealKeyFileInPlace(const std::filesystem::path& path, std::string_view passphrase);

// The text to store for a key file whose plain text is `plaintext`: sealed when `passphrase` is
// set, else `plaintext` itself.
Result<std::string> KeyFileTextToStore(std::string_view plaintext, const KeyPassphrase& passphrase);

}  // namespace figurant
