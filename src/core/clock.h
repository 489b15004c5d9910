// Time as Figurant sees it: calendar dates for licence terms and an injected Clock so that expiry,
// notice periods and retention are testable to the day.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace figurant {

// A proleptic Gregorian calendar date (UTC), as licences state them: "2026-01-01".
struct Date {
  int year = 1970;  // [Limits: 1..9999]
  int month = 1;    // [Limits: 1..12]
  int day = 1;      // [Limits: 1..days in month]

  // Parses exactly YYYY-MM-DD; rejects impossible dates ("2026-02-30") with a message naming
  // the text and what was expected.
  static Result<Date> Parse(std::string_view text);
  // Days since 1970-01-01 → date. [Limits: years 1..9999]
  static Date FromDays(int64_t days_since_epoch);

  int64_t DaysSinceEpoch() const;
  Date AddDays(int64_t days) const { return FromDays(DaysSinceEpoch() + days); }
  // Same day and month `years` later; 29 February becomes 28 February in a non-leap year.
  Date AddYears(int years) const;
  std::string ToString() const;  // "YYYY-MM-DD"

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads defaulted <=>.
  auto operator<=>(const Date&) const = default;
};

// Seconds since the Unix epoch (UTC).
using UnixSeconds = int64_t;

// "2026-11-25T04:25:52Z"
std::string FormatTimestamp(UnixSeconds t);
Result<UnixSeconds> ParseTimestamp(std::string_view text);
Date DateOf(UnixSeconds t);

// Source of "now". Libraries take a Clock& instead of reading the system time, so tests can pin
// dates exactly (LevelDB's Env). Implementations must be thread-safe for Now().
class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixSeconds Now() const = 0;
  Date Today() const { return DateOf(Now()); }
};

class SystemClock final : public Clock {
 public:
  UnixSeconds Now() const override;
};

// A clock that only moves when told to; for tests, and for the test build of the CLI
// (figurant_testclock), whose FIGURANT_NOW pins it.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(UnixSeconds now) : now_(now) {}
  UnixSeconds Now() const override { return now_; }
  void Set(UnixSeconds now) { now_ = now; }
  void Advance(int64_t seconds) { now_ += seconds; }

 private:
  UnixSeconds now_;
};

}  // namespace figurant
