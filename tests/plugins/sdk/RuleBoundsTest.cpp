#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "postamt/sdk/RuleBounds.hpp"

namespace postamt::sdk {
namespace {

TEST(RuleBoundsTest, DaysBecomeSecondsAndZeroAsksNothing) {
  Store::MaildropRules rules;
  rules.expireAfterDays = 30;
  rules.expireLargerThan = 10 * 1024 * 1024;
  rules.expireRetrievedOnly = true;
  rules.keepRetrievedDays = 2;
  const RuleBounds bounds = RuleBounds::of(rules);
  EXPECT_EQ(bounds.expireAfterSeconds, 30 * 86400);
  EXPECT_EQ(bounds.expireLargerThan, 10 * 1024 * 1024);
  EXPECT_TRUE(bounds.expireRetrievedOnly);
  EXPECT_EQ(bounds.keepRetrievedSeconds, 2 * 86400);
  EXPECT_EQ(bounds.keepDeletedSeconds, 0);  // keep-on-server not asked: expunge removes
}

TEST(RuleBoundsTest, NegativeDaysAskNothing) {
  Store::MaildropRules rules;
  rules.expireAfterDays = -1;
  rules.keepDeletedDays = -5;
  const RuleBounds bounds = RuleBounds::of(rules);
  EXPECT_EQ(bounds.expireAfterSeconds, 0);
  EXPECT_EQ(bounds.keepDeletedSeconds, 0);
}

// A tenant's script may return any integer: seconds must not overflow, nor a
// timestamp leave the database's range.
TEST(RuleBoundsTest, HugeValuesAreCappedNotWrapped) {
  Store::MaildropRules rules;
  rules.expireAfterDays = std::numeric_limits<std::int64_t>::max();
  rules.keepDeletedDays = std::numeric_limits<std::int64_t>::max() / 86400 + 1;
  rules.expireLargerThan = std::numeric_limits<std::uint64_t>::max();
  const RuleBounds bounds = RuleBounds::of(rules);
  EXPECT_EQ(bounds.expireAfterSeconds, 100 * 366 * 86400LL);
  EXPECT_EQ(bounds.keepDeletedSeconds, 100 * 366 * 86400LL);
  EXPECT_EQ(bounds.expireLargerThan, std::numeric_limits<std::int64_t>::max());
}

}  // namespace
}  // namespace postamt::sdk
