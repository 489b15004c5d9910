// Enrolment codes and the message a new key signs on enrolment (docs/keys.md, "Enrolment"); a
// representative confirms a lost key's replacement with a key_replacement statement instead
// (ledger::KeyReplacementFields). Pure functions, thread-safe; NewEnrolmentCode needs InitCrypto().
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "consent/consent_record.h"
#include "core/crypto.h"
#include "core/status.h"

namespace figurant::bank {

// Random bits in an enrolment code: 15 bytes from libsodium's randombytes. [Units: bits]
inline constexpr int kEnrolmentCodeBits = 120;
// The code as handed out: 24 characters of the RFC 4648 base32 alphabet (A–Z, 2–7) in six groups
// of four joined by '-', e.g. "K7QX-2M4P-ZT3A-9..." (no 0/1/8/9, so no O/0 or I/1 confusion).
inline constexpr int kEnrolmentCodeChars = 24;
inline constexpr int kEnrolmentCodeGroup = 4;
// How long a code is valid unless the inviter says otherwise. [Units: days]
inline constexpr int kDefaultEnrolmentDays = 7;

// A fresh random code, formatted as above.
std::string NewEnrolmentCode();

// The code as typed, normalised for hashing: spaces and '-' removed, letters upper-cased.
// InvalidArgument ("not an enrolment code: expected 24 letters A–Z and digits 2–7") for anything
// else. Safe for untrusted input.
Result<std::string> NormaliseEnrolmentCode(std::string_view typed);

// SHA-256 (lowercase hex) of a normalised code: what the registry stores.
std::string EnrolmentCodeHash(std::string_view normalised);

// The message a new key signs to prove its holder has the private half (optional on enrolment):
//   figurant-enrolment-v1\ncode_sha256=<hex>\npublic_key=<hex>\n
std::string EnrolmentProofMessage(std::string_view code_sha256,
                                  const std::array<uint8_t, kEd25519PublicKeyBytes>& public_key);

}  // namespace figurant::bank
