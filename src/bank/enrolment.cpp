#include "bank/enrolment.h"

#include <cctype>

namespace figurant::bank {
namespace {

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";  // RFC 4648, section 6
constexpr int kBitsPerChar = 5;
constexpr int kBitsPerByte = 8;

}  // namespace

std::string NewEnrolmentCode() {
  std::array<uint8_t, kEnrolmentCodeBits / kBitsPerByte> random{};
  RandomBytes(random.data(), random.size());
  std::string chars;
  uint32_t buffer = 0;
  int bits = 0;
  for (const uint8_t byte : random) {
    buffer = (buffer << kBitsPerByte) | byte;
    bits += kBitsPerByte;
    while (bits >= kBitsPerChar) {
      bits -= kBitsPerChar;
      chars += kBase32[(buffer >> bits) & 0x1f];
    }
  }
  SecureZero(random.data(), random.size());
  std::string code;
  for (size_t i = 0; i < chars.size(); ++i) {
    if (i > 0 && i % kEnrolmentCodeGroup == 0) code += '-';
    code += chars[i];
  }
  return code;
}

Result<std::string> NormaliseEnrolmentCode(std::string_view typed) {
  std::string out;
  for (const char c : typed) {
    if (c == '-' || c == ' ') continue;
    const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (kBase32.find(upper) == std::string_view::npos || out.size() >= kEnrolmentCodeChars) {
      return InvalidArgument("not an enrolment code: expected " +
                             std::to_string(kEnrolmentCodeChars) +
                             " letters A-Z and digits 2-7 (dashes and spaces are ignored)");
    }
    out += upper;
  }
  if (out.size() != kEnrolmentCodeChars) {
    return InvalidArgument("not an enrolment code: expected " +
                           std::to_string(kEnrolmentCodeChars) +
                           " letters A-Z and digits 2-7 (dashes and spaces are ignored)");
  }
  return out;
}

std::string EnrolmentCodeHash(std::string_view normalised) { return Sha256Hex(normalised); }

std::string EnrolmentProofMessage(std::string_view code_sha256,
                                  const std::array<uint8_t, kEd25519PublicKeyBytes>& public_key) {
  return "figurant-enrolment-v1\ncode_sha256=" + std::string(code_sha256) +
         "\npublic_key=" + ToHex(public_key) + "\n";
}

}  // namespace figurant::bank
