#include "api/login.h"

#include <algorithm>

namespace figurant::api {

std::string LoginMessage(std::string_view challenge_hex, std::string_view user_id,
                         std::string_view origin) {
  std::string m(kLoginDomain);
  m += "\nchallenge:";
  m += challenge_hex;
  m += "\nuser:";
  m += user_id;
  m += "\norigin:";
  m += origin;
  m += "\n";
  return m;
}

Challenge ChallengeStore::Issue(const std::string& user_id) {
  std::array<uint8_t, kChallengeBytes> bytes{};
  RandomBytes(bytes.data(), bytes.size());
  Challenge c{ToHex(bytes), clock_.Now() + kChallengeLifetimeS};
  std::lock_guard lock(mutex_);
  DropExpiredOrOldest();
  issued_[c.hex] = {user_id, c.expires_at, next_order_++};
  return c;
}

Status ChallengeStore::Take(const std::string& challenge_hex, const std::string& user_id) {
  std::lock_guard lock(mutex_);
  auto it = issued_.find(challenge_hex);
  if (it == issued_.end()) return Unauthenticated("unknown or already used challenge");
  const Issued issued = it->second;
  issued_.erase(it);
  if (issued.user_id != user_id) return Unauthenticated("challenge issued for another user");
  if (clock_.Now() > issued.expires_at) return Unauthenticated("challenge expired");
  return Status::Ok();
}

void ChallengeStore::DropExpiredOrOldest() {
  const UnixSeconds now = clock_.Now();
  std::erase_if(issued_, [now](const auto& kv) { return now > kv.second.expires_at; });
  if (issued_.size() < kMaxOutstandingChallenges) return;
  auto oldest = std::min_element(issued_.begin(), issued_.end(), [](const auto& a, const auto& b) {
    return a.second.order < b.second.order;
  });
  issued_.erase(oldest);
}

}  // namespace figurant::api
