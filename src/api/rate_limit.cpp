#include "api/rate_limit.h"

#include <algorithm>
#include <cmath>

namespace figurant::api {

namespace {
constexpr double kSecondsPerMinute = 60;
}

RateLimiter::Bucket RateLimiter::Refilled(Bucket b, UnixSeconds now) const {
  const double rate = policy_.per_minute / kSecondsPerMinute;
  const auto elapsed = static_cast<double>(std::max<UnixSeconds>(0, now - b.updated));
  b.tokens = std::min<double>(policy_.burst, b.tokens + elapsed * rate);
  b.updated = now;
  return b;
}

std::optional<int64_t> RateLimiter::Take(const std::string& key) {
  const UnixSeconds now = clock_.Now();
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= kMaxRateLimitKeys) Forget(now);
    it = buckets_.emplace(key, Bucket{static_cast<double>(policy_.burst), now}).first;
  }
  Bucket b = Refilled(it->second, now);
  if (b.tokens >= 1) {
    b.tokens -= 1;
    it->second = b;
    return std::nullopt;
  }
  it->second = b;
  const double rate = policy_.per_minute / kSecondsPerMinute;
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1 - b.tokens) / rate)));
}

void RateLimiter::Forget(UnixSeconds now) {
  std::erase_if(buckets_,
                [&](const auto& kv) { return Refilled(kv.second, now).tokens >= policy_.burst; });
  // Every bucket is in use: forget them all rather than grow without bound.
  if (buckets_.size() >= kMaxRateLimitKeys) buckets_.clear();
}

}  // namespace figurant::api
