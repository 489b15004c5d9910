#include "webauthn/internal/checks.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace figurant::webauthn::internal {
namespace {

using nlohmann::json;

constexpr size_t kFlagsAt = 32, kSignCountAt = 33, kSignCountBytes = 4;

std::string Quoted(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

Status CheckClientData(const Expected& expected, const std::string& text, std::string_view type) {
  if (text.size() > kMaxClientDataBytes) {
    return InvalidArgument("clientDataJSON: longer than " + std::to_string(kMaxClientDataBytes) +
                           " bytes");
  }
  const json c = json::parse(text, nullptr, false);
  if (!c.is_object()) return InvalidArgument("clientDataJSON: not a JSON object");
  const auto member = [&](const char* name) { return c.contains(name) ? c[name] : json(); };
  if (member("type") != type) {
    return PermissionDenied("clientDataJSON.type is " + Quoted(member("type")) + ", expected \"" +
                            std::string(type) + "\"");
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
                            ": a cross-origin request is refused");
  }
  return Status::Ok();
}

Result<uint8_t> CheckRelyingPartyAndUser(const Expected& expected, const Bytes& data) {
  if (data.size() < kAuthenticatorDataMinBytes) {
    return InvalidArgument("authenticatorData: " + std::to_string(data.size()) +
                           " bytes, expected at least " +
                           std::to_string(kAuthenticatorDataMinBytes));
  }
  const Sha256Digest rp = Sha256(expected.rp_id);
  if (!std::equal(rp.begin(), rp.end(), data.begin())) {
    return PermissionDenied("authenticatorData.rpIdHash is not SHA-256 of '" + expected.rp_id +
                            "'");
  }
  const uint8_t flags = data[kFlagsAt];
  if ((flags & kFlagUserPresent) == 0) return PermissionDenied("flag UP (user present) not set");
  if ((flags & kFlagUserVerified) == 0) return PermissionDenied("flag UV (user verified) not set");
  return flags;
}

uint32_t SignCountOf(const Bytes& data) {
  uint32_t count = 0;
  for (size_t i = 0; i < kSignCountBytes; ++i) count = (count << 8) | data[kSignCountAt + i];
  return count;
}

}  // namespace figurant::webauthn::internal
