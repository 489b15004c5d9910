#include "core/clock.h"

#include <chrono>
#include <cstdio>

namespace figurant {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Howard Hinnant's days_from_civil / civil_from_days (public domain algorithms).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool ParseDigits(std::string_view s, int& out) {
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return !s.empty();
}

}  // namespace

Result<Date> Date::Parse(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument("'" + std::string(text) + "' is not a date: " + std::string(why) +
                           " (expected YYYY-MM-DD)");
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad("wrong shape");
  Date d;
  if (!ParseDigits(text.substr(0, 4), d.year) || !ParseDigits(text.substr(5, 2), d.month) ||
      !ParseDigits(text.substr(8, 2), d.day)) {
    return bad("non-digit characters");
  }
  if (d.year < 1) return bad("year out of range");
  if (d.month < 1 || d.month > 12) return bad("month out of range");
  if (d.day < 1 || d.day > DaysInMonth(d.year, d.month)) return bad("day out of range");
  return d;
}

int64_t Date::DaysSinceEpoch() const {
  return DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

Date Date::FromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  Date out;
  out.year = static_cast<int>(y + (m <= 2));
  out.month = static_cast<int>(m);
  out.day = static_cast<int>(d);
  return out;
}

Date Date::AddYears(int years) const {
  Date out = *this;
  out.year += years;
  if (out.month == 2 && out.day == 29 && !IsLeap(out.year)) out.day = 28;
  return out;
}

std::string Date::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

Date DateOf(UnixSeconds t) {
  int64_t days = t / kSecondsPerDay;
  if (t % kSecondsPerDay < 0) --days;
  return Date::FromDays(days);
}

std::string FormatTimestamp(UnixSeconds t) {
  const Date d = DateOf(t);
  int64_t secs = t - d.DaysSinceEpoch() * kSecondsPerDay;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", d.ToString().c_str(),
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60));
  return buf;
}

Result<UnixSeconds> ParseTimestamp(std::string_view text) {
  auto bad = [&] {
    return InvalidArgument("'" + std::string(text) +
                           "' is not a timestamp (expected YYYY-MM-DDTHH:MM:SSZ or YYYY-MM-DD)");
  };
  if (text.size() == 10) {
    auto d = Date::Parse(text);
    if (!d.ok()) return bad();
    return d->DaysSinceEpoch() * kSecondsPerDay;
  }
  if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != 'Z') {
    return bad();
  }
  auto d = Date::Parse(text.substr(0, 10));
  int h = 0, mi = 0, s = 0;
  if (!d.ok() || !ParseDigits(text.substr(11, 2), h) || !ParseDigits(text.substr(14, 2), mi) ||
      !ParseDigits(text.substr(17, 2), s) || h > 23 || mi > 59 || s > 60) {
    return bad();
  }
  return d->DaysSinceEpoch() * kSecondsPerDay + h * 3600 + mi * 60 + s;
}

UnixSeconds SystemClock::Now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace figurant
