#include "auth/VerifiedPasswords.h"

#include <gtest/gtest.h>

#include <string>

namespace postamt::auth {
namespace {

constexpr auto kHour = std::chrono::hours(1);

TEST(VerifiedPasswords, RemembersOnlyTheExactPairThatMatched) {
  VerifiedPasswords cache(100, kHour);
  cache.remember("{PLAIN}secret", "secret");
  EXPECT_TRUE(cache.contains("{PLAIN}secret", "secret"));
  EXPECT_FALSE(cache.contains("{PLAIN}secret", "Secret"));
  EXPECT_FALSE(cache.contains("{PLAIN}other", "secret"));  // a changed password is a changed hash
}

TEST(VerifiedPasswords, NoPairIsMistakenForAnotherAcrossTheSeparator) {
  VerifiedPasswords cache(100, kHour);
  cache.remember("ab", "c");
  EXPECT_FALSE(cache.contains("a", "bc"));
}

TEST(VerifiedPasswords, ForgetsAfterItsTimeToLive) {
  VerifiedPasswords cache(100, std::chrono::seconds(0));
  cache.remember("{PLAIN}x", "x");
  EXPECT_FALSE(cache.contains("{PLAIN}x", "x"));
}

TEST(VerifiedPasswords, StaysWithinItsCapacityDroppingTheLeastRecent) {
  VerifiedPasswords cache(8, kHour);
  for (int i = 0; i < 100; ++i) cache.remember("hash" + std::to_string(i), "pw");
  EXPECT_FALSE(cache.contains("hash0", "pw"));
  EXPECT_TRUE(cache.contains("hash99", "pw"));
}

TEST(VerifiedPasswords, CapacityZeroTurnsItOff) {
  VerifiedPasswords cache(100, kHour);
  cache.remember("h", "p");
  cache.configure(0, kHour);
  EXPECT_FALSE(cache.contains("h", "p"));
  cache.remember("h", "p");
  EXPECT_FALSE(cache.contains("h", "p"));
}

}  // namespace
}  // namespace postamt::auth
