// Log-in by signing a server challenge (docs/api.md, "Logging in"): the challenges the server has
// issued, and the exact bytes a user's device signs with Ed25519 (RFC 8032, through libsodium).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/status.h"

namespace figurant::api {

// The first line of every log-in message: a signature made for a log-in never verifies as
// anything else Figurant checks (consent, productions, ledger heads), and the reverse.
inline constexpr std::string_view kLoginDomain = "figurant-login-v1";
// Random bytes in a challenge. [Units: bytes]
inline constexpr size_t kChallengeBytes = 32;
// How long a challenge may be answered. [Units: s]
inline constexpr int64_t kChallengeLifetimeS = 120;
// Challenges outstanding at once; beyond it the oldest is dropped (memory stays bounded whatever
// anonymous clients ask for).
inline constexpr size_t kMaxOutstandingChallenges = 10000;

// The bytes a device signs to log in as `user_id` at `origin` with `challenge_hex` (64 lowercase
// hex digits), four lines each ending in "\n":
//   figurant-login-v1
//   challenge:<challenge_hex>
//   user:<user_id>
//   origin:<origin>
std::string LoginMessage(std::string_view challenge_hex, std::string_view user_id,
                         std::string_view origin);

struct Challenge {
  std::string hex;  // kChallengeBytes random bytes as lowercase hex
  UnixSeconds expires_at = 0;
};

// Challenges issued and not yet used, kept in memory (a restart forgets them: clients ask again).
// Each is for one user, answered once, within kChallengeLifetimeS. Thread-safe.
class ChallengeStore {
 public:
  explicit ChallengeStore(const Clock& clock) : clock_(clock) {}

  // A fresh challenge for `user_id` (whether or not such a user exists: the answer reveals
  // nothing).
  Challenge Issue(const std::string& user_id);
  // Uses up the challenge: OK when it was issued for `user_id` and has not expired.
  // Unauthenticated otherwise (unknown, already used, expired or for another user); a challenge
  // presented for the wrong user is used up too.
  Status Take(const std::string& challenge_hex, const std::string& user_id);

 private:
  struct Issued {
    std::string user_id;
    UnixSeconds expires_at = 0;
    uint64_t order = 0;  // issue order, to drop the oldest when full
  };
  void DropExpiredOrOldest();

  const Clock& clock_;
  std::mutex mutex_;
  std::map<std::string, Issued> issued_;  // by challenge hex
  uint64_t next_order_ = 0;
};

}  // namespace figurant::api
