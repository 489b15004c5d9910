#include "core/clock.h"

#include <gtest/gtest.h>

namespace figurant {
namespace {

TEST(DateTest, ParsesAndFormatsRoundTrip) {
  auto d = Date::Parse("2026-02-28");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->ToString(), "2026-02-28");
  EXPECT_EQ(d->AddDays(1).ToString(), "2026-03-01");
  EXPECT_EQ(Date::Parse("2024-02-28")->AddDays(1).ToString(), "2024-02-29");
}

TEST(DateTest, RejectsImpossibleDates) {
  for (const char* bad : {"2026-02-29", "2026-13-01", "2026-00-10", "26-01-01", "2026/01/01",
                          "2026-01-32", "", "abcd-ef-gh"}) {
    auto d = Date::Parse(bad);
    EXPECT_FALSE(d.ok()) << bad;
    EXPECT_NE(d.status().message().find("YYYY-MM-DD"), std::string::npos);
  }
}

TEST(DateTest, DaysSinceEpochMatchesKnownValues) {
  EXPECT_EQ(Date::Parse("1970-01-01")->DaysSinceEpoch(), 0);
  EXPECT_EQ(Date::Parse("2000-03-01")->DaysSinceEpoch(), 11017);
  for (int64_t d = -1000; d < 40000; d += 37) {
    EXPECT_EQ(Date::FromDays(d).DaysSinceEpoch(), d);
  }
}

TEST(DateTest, AddYearsClampsLeapDay) {
  EXPECT_EQ(Date::Parse("2024-02-29")->AddYears(3).ToString(), "2027-02-28");
  EXPECT_EQ(Date::Parse("2026-06-15")->AddYears(3).ToString(), "2029-06-15");
}

TEST(ClockTest, FixedClockMovesOnlyWhenTold) {
  FixedClock clock(*ParseTimestamp("2026-11-25T04:00:00Z"));
  EXPECT_EQ(clock.Today().ToString(), "2026-11-25");
  clock.Advance(86400 * 7);
  EXPECT_EQ(clock.Today().ToString(), "2026-12-02");
  EXPECT_EQ(FormatTimestamp(clock.Now()), "2026-12-02T04:00:00Z");
}

TEST(ClockTest, TimestampParseRejectsGarbage) {
  EXPECT_FALSE(ParseTimestamp("2026-11-25T25:00:00Z").ok());
  EXPECT_FALSE(ParseTimestamp("yesterday").ok());
  EXPECT_EQ(*ParseTimestamp("1970-01-02"), 86400);
}

}  // namespace
}  // namespace figurant
