#include "core/frame_rate.h"

#include <gtest/gtest.h>

namespace figurant {
namespace {

TEST(FrameRateTest, NamesEveryStandardRateBothWays) {
  for (const char* name : {"23.976", "24", "25", "29.97", "30", "48", "50", "59.94", "60"}) {
    auto r = ParseFrameRate(name);
    ASSERT_TRUE(r.ok()) << name << ": " << r.status().ToString();
    EXPECT_EQ(r->Name(), name);
    EXPECT_EQ(*ParseFrameRate(r->Text()), *r) << r->Text();
  }
  EXPECT_EQ(StandardFrameRates().size(), 9u);
}

TEST(FrameRateTest, NtscRatesAreExactRationals) {
  const FrameRate r = *ParseFrameRate("23.976");
  EXPECT_EQ(r.frames, 24000);
  EXPECT_EQ(r.seconds, 1001);
  EXPECT_EQ(r.Text(), "24000/1001");
  EXPECT_EQ(*ParseFrameRate("48000/2002"), r);  // the same rationals
  EXPECT_EQ(*ParseFrameRate("24000/1000"), *ParseFrameRate("24"));
  EXPECT_EQ(ParseFrameRate("24/1")->Text(), "24/1");
}

TEST(FrameRateTest, RefusesEveryOtherRateNamingTheStandardOnes) {
  for (const char* bad :
       {"1000", "12.5", "23.97", "24.01", "0", "-24", "24/0", "0/1", "1/0", "24001/1001", "fast",
        "", "nan", "inf", "1e400", "24 ", "/", "9999999999/1"}) {
    auto r = ParseFrameRate(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(r.status().message().find("23.976, 24, 25, 29.97, 30, 48, 50, 59.94, 60"),
              std::string::npos)
        << r.status().message();
  }
}

TEST(FrameRateTest, ADecimalMatchesOnlyItsOwnRate) {
  const FrameRate ntsc = *ParseFrameRate("23.976");
  EXPECT_TRUE(FrameRateMatches(ntsc, 23.976));
  EXPECT_TRUE(FrameRateMatches(ntsc, 24000.0 / 1001));
  EXPECT_FALSE(FrameRateMatches(ntsc, 24));
  EXPECT_FALSE(FrameRateMatches(*ParseFrameRate("24"), 1000));
  for (const FrameRate& a : StandardFrameRates()) {
    for (const FrameRate& b : StandardFrameRates()) {
      EXPECT_EQ(FrameRateMatches(a, b.PerSecond()), a == b) << a.Name() << " " << b.Name();
    }
  }
}

}  // namespace
}  // namespace figurant
