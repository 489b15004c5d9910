#include "core/json_input.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace figurant {
namespace {

using nlohmann::json;

// The message of a refusal of `text`, or "" when it parsed.
std::string Refusal(const std::string& text) {
  auto r = ParseJson(text, "doc.json");
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  return r.status().message();
}

TEST(JsonInputTest, ParsesAnOrdinaryDocument) {
  auto r = ParseJson(R"({"a": [1, 2.5, "x", true, null], "b": {"c": -3}})", "doc.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["a"][1].get<double>(), 2.5);
  EXPECT_EQ((*r)["b"]["c"].get<int>(), -3);
}

// nlohmann throws out_of_range for these, which escaped the scene and terms parsers.
TEST(JsonInputTest, NumbersADoubleCannotHoldAreRefusedNamingTheField) {
  const std::string digits309 = "1" + std::string(309, '0');
  for (const std::string& n : {std::string("1e400"), std::string("-1e400"), digits309,
                               "-" + digits309, std::string("1e99999999999999999999")}) {
    const std::string m = Refusal(R"({"camera": {"position": [0, )" + n + "]}}");
    EXPECT_NE(m.find("doc.json: field 'camera.position[1]': the number"), std::string::npos) << m;
    EXPECT_NE(m.find("does not fit in a double"), std::string::npos) << m;
    EXPECT_EQ(Refusal(n).find("doc.json: the number"), 0u) << n;  // the whole document
  }
  // Underflow is not overflow: 1e-400 reads as 0.
  EXPECT_EQ(Refusal("[1e-400]"), "");
}

TEST(JsonInputTest, SyntaxErrorsSayWhereAndWhat) {
  const std::string m = Refusal(R"({"frames": {"start": 10x}})");
  EXPECT_NE(m.find("doc.json: not valid JSON (byte 24, in field 'frames.start'): "),
            std::string::npos)
      << m;
  EXPECT_EQ(m.find("[json.exception"), std::string::npos) << m;
  EXPECT_NE(Refusal("").find("not valid JSON"), std::string::npos);
  EXPECT_NE(Refusal("{\"a\": \"\xff\"}").find("not valid JSON"), std::string::npos);
}

TEST(JsonInputTest, NestingIsBoundedWithoutRecursion) {
  auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  EXPECT_EQ(Refusal(nested(kMaxJsonDepth)), "");
  const std::string m = Refusal(nested(kMaxJsonDepth + 1));
  EXPECT_NE(m.find("nested deeper than 64 levels"), std::string::npos) << m;
  EXPECT_NE(Refusal(nested(10'000'000)).find("nested deeper"), std::string::npos);
  EXPECT_NE(Refusal(R"({"a": )" + std::string(100, '{') + "}").find("field 'a"), std::string::npos);
}

TEST(JsonInputTest, AKeyGivenTwiceIsRefused) {
  const std::string m = Refusal(R"({"render": {"spp": 1, "spp": 4096}})");
  EXPECT_NE(m.find("field 'render.spp': given twice"), std::string::npos) << m;
  EXPECT_EQ(Refusal(R"([{"spp": 1}, {"spp": 2}])"), "");  // the same key in two objects
}

TEST(JsonInputTest, NumbersAreRangeCheckedAndIntegersExact) {
  EXPECT_EQ(*JsonNumber(json(0.5), 0, 1), 0.5);
  EXPECT_EQ(*JsonNumber(json(1), 0, 1), 1.0);
  EXPECT_EQ(JsonNumber(json(1.5), 0, 1).status().message(), "expected a number in [0, 1], got 1.5");
  EXPECT_FALSE(JsonNumber(json(INFINITY), -1e300, 1e300).ok());  // built in code, never parsed
  EXPECT_FALSE(JsonNumber(json("1"), 0, 1).ok());

  EXPECT_EQ(*JsonInteger(json(7), 1, 10), 7);
  EXPECT_EQ(*JsonInteger(json(-3), -5, 0), -3);
  EXPECT_FALSE(JsonInteger(json(2.0), 1, 10).ok());
  EXPECT_FALSE(JsonInteger(*ParseJson("99999999999999999999", "d"), 1, 10).ok());  // a float
  // UINT64_MAX must not wrap to -1 and pass a range that allows it.
  const json huge = *ParseJson("18446744073709551615", "d");
  EXPECT_EQ(JsonInteger(huge, -5, 5).status().message(),
            "expected an integer in -5..5, got 18446744073709551615");

  EXPECT_EQ(*JsonUnsigned(huge), UINT64_MAX);
  EXPECT_EQ(*JsonUnsigned(json(3)), 3u);
  EXPECT_FALSE(JsonUnsigned(json(-1)).ok());
  EXPECT_FALSE(JsonUnsigned(json(1.0)).ok());
}

TEST(JsonInputTest, WrongTypesAreValuesNeverExceptions) {
  EXPECT_EQ(JsonString(json(5)).status().message(), "expected a string, got 5");
  EXPECT_EQ(*JsonString(json("x")), "x");
  EXPECT_EQ(JsonBool(json::array()).status().message(), "expected true or false, got []");
  EXPECT_TRUE(*JsonBool(json(true)));
}

TEST(JsonInputTest, ExcerptsAreShort) {
  const json big = std::string(1000, 'x');
  EXPECT_EQ(JsonExcerpt(big).size(), kJsonExcerptChars);
  EXPECT_EQ(JsonExcerpt(json::array({1, 2})), "[1,2]");
}

}  // namespace
}  // namespace figurant
