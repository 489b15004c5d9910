// UntilRowsAgree: a disagreement another process's write in progress explains is waited out; one
// that lasts is reported, after at most kRowsAgreeWithin; other errors are never retried.
#include "bank/internal/ledger_facts.h"

#include <gtest/gtest.h>

#include <chrono>

namespace figurant::bank::internal {
namespace {

using std::chrono::steady_clock;

TEST(UntilRowsAgreeTest, ADisagreementThatEndsIsWaitedOut) {
  int attempts = 0;
  const Result<int> r = UntilRowsAgree<int>([&]() -> Result<int> {
    ++attempts;
    if (attempts < 3) return DataLoss("licences row 'lic_1' column 'state': not yet in the ledger");
    return 7;
  });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, 7);
  EXPECT_EQ(attempts, 3);
}

TEST(UntilRowsAgreeTest, ADisagreementThatLastsIsDataLossWithinTheBudget) {
  int attempts = 0;
  const auto start = steady_clock::now();
  const Result<int> r = UntilRowsAgree<int>([&]() -> Result<int> {
    ++attempts;
    return DataLoss("licences row 'lic_1' column 'state': altered");
  });
  const auto waited = steady_clock::now() - start;
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("lic_1"), std::string::npos);
  EXPECT_GT(attempts, 5);
  EXPECT_LE(waited, kRowsAgreeWithin + std::chrono::milliseconds(500));
}

TEST(UntilRowsAgreeTest, OtherErrorsAreReturnedAtOnce) {
  int attempts = 0;
  const Result<int> r = UntilRowsAgree<int>([&]() -> Result<int> {
    ++attempts;
    return NotFound("no performer per_1");
  });
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(attempts, 1);
}

}  // namespace
}  // namespace figurant::bank::internal
