// Rate limits on log-in and enrolment attempts (docs/api.md, "Rate limits"): one token bucket
// per key (a client address, a user id). Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/clock.h"

namespace figurant::api {

struct RateLimitPolicy {
  // Attempts allowed at once, and regained per minute. [Units: attempts] [Limits: >= 1]
  int burst = 10;
  int per_minute = 10;  // [Units: attempts/min] [Limits: >= 1]
};

// Keys tracked at once; beyond it, buckets that have refilled are forgotten first (a full bucket
// is the same as no bucket), so memory stays bounded.
inline constexpr size_t kMaxRateLimitKeys = 100000;

class RateLimiter {
 public:
  RateLimiter(const Clock& clock, RateLimitPolicy policy) : clock_(clock), policy_(policy) {}

  // Takes one attempt for `key`: nullopt when allowed, else the seconds until the next attempt
  // would be (for Retry-After). [Units: s] [Limits: >= 1]
  std::optional<int64_t> Take(const std::string& key);

 private:
  struct Bucket {
    double tokens = 0;
    UnixSeconds updated = 0;
  };
  // `b` refilled up to now.
  Bucket Refilled(Bucket b, UnixSeconds now) const;
  void Forget(UnixSeconds now);

  const Clock& clock_;
  RateLimitPolicy policy_;
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace figurant::api
