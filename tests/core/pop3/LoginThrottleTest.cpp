#include <gtest/gtest.h>

#include <string>

#include "pop3/LoginThrottle.h"

namespace postamt::pop3 {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A clock the test moves by hand: no test here waits for real time.
struct ManualClock {
  std::chrono::steady_clock::time_point now{};
  LoginThrottle::Clock clock() {
    return [this] { return now; };
  }
};

// Issue 4 item 7's numbers: 2 s, doubling, at most 15 s.
ThrottleSettings dovecotLike() {
  ThrottleSettings settings;
  settings.firstDelay = milliseconds(2000);
  settings.maxDelay = milliseconds(15000);
  settings.maxFailuresPerAddress = 0;
  settings.maxFailuresPerUser = 0;
  settings.window = seconds(600);
  return settings;
}

TEST(LoginThrottle, DelaysEachFailureTwiceAsLongUpToTheCap) {
  ManualClock time;
  LoginThrottle throttle(dovecotLike(), time.clock());
  std::vector<long> delays;
  for (int i = 0; i < 6; ++i) delays.push_back(throttle.failed("192.0.2.1", "alice", "guess" + std::to_string(i)).delay.count());
  EXPECT_EQ(delays, (std::vector<long>{2000, 4000, 8000, 15000, 15000, 15000}));
}

TEST(LoginThrottle, ARepeatedFailedPairDoesNotRaiseThePenalty) {
  ManualClock time;
  LoginThrottle throttle(dovecotLike(), time.clock());
  EXPECT_EQ(throttle.failed("192.0.2.1", "alice", "old password").delay, milliseconds(2000));
  // A second device with the same stale password: the same reply delay, not a doubled one.
  EXPECT_EQ(throttle.failed("192.0.2.1", "alice", "old password").delay, milliseconds(2000));
  EXPECT_EQ(throttle.failed("192.0.2.1", "alice", "old password").delay, milliseconds(2000));
  EXPECT_EQ(throttle.failed("192.0.2.1", "alice", "new guess").delay, milliseconds(4000));
}

TEST(LoginThrottle, OnlyTheLastFewPairsCountAsRepeats) {
  ManualClock time;
  auto settings = dovecotLike();
  settings.rememberedCredentials = 2;
  LoginThrottle throttle(settings, time.clock());
  throttle.failed("192.0.2.1", "alice", "a");
  throttle.failed("192.0.2.1", "alice", "b");
  throttle.failed("192.0.2.1", "alice", "c");                                        // "a" is forgotten now
  EXPECT_EQ(throttle.failed("192.0.2.1", "alice", "a").delay, milliseconds(15000));  // a fourth failure: 16 s, capped
}

TEST(LoginThrottle, TheSamePasswordForAnotherUserIsANewGuess) {
  ManualClock time;
  LoginThrottle throttle(dovecotLike(), time.clock());
  throttle.failed("192.0.2.1", "alice", "123456");
  EXPECT_EQ(throttle.failed("192.0.2.1", "bob", "123456").delay, milliseconds(4000));
}

TEST(LoginThrottle, FailuresWithoutASecretAlwaysCount) {
  ManualClock time;
  LoginThrottle throttle(dovecotLike(), time.clock());
  throttle.failed("192.0.2.1", "alice", std::nullopt);  // a wrong SCRAM proof: nothing to compare
  EXPECT_EQ(throttle.failed("192.0.2.1", "alice", std::nullopt).delay, milliseconds(4000));
}

TEST(LoginThrottle, OtherAddressesAreNotDelayed) {
  ManualClock time;
  LoginThrottle throttle(dovecotLike(), time.clock());
  for (int i = 0; i < 5; ++i) throttle.failed("192.0.2.1", "alice", std::to_string(i));
  EXPECT_EQ(throttle.failed("198.51.100.2", "bob", "typo").delay, milliseconds(2000));
}

TEST(LoginThrottle, TheCounterDecaysAfterAQuietWindow) {
  ManualClock time;
  LoginThrottle throttle(dovecotLike(), time.clock());
  throttle.failed("192.0.2.1", "alice", "a");
  throttle.failed("192.0.2.1", "alice", "b");
  time.now += seconds(599);
  EXPECT_EQ(throttle.failed("192.0.2.1", "alice", "c").delay, milliseconds(8000));
  time.now += seconds(600);
  EXPECT_EQ(throttle.failed("192.0.2.1", "alice", "d").delay, milliseconds(2000));
}

TEST(LoginThrottle, ASuccessResetsTheDelayOfItsAddressOnly) {
  ManualClock time;
  LoginThrottle throttle(dovecotLike(), time.clock());
  throttle.failed("192.0.2.1", "alice", "a");
  throttle.failed("198.51.100.2", "bob", "a");
  throttle.succeeded("192.0.2.1");
  EXPECT_EQ(throttle.failed("192.0.2.1", "alice", "b").delay, milliseconds(2000));
  EXPECT_EQ(throttle.failed("198.51.100.2", "bob", "b").delay, milliseconds(4000));
}

TEST(LoginThrottle, LocksAnAddressOutAtItsLimitUntilTheWindowPasses) {
  ManualClock time;
  auto settings = dovecotLike();
  settings.maxFailuresPerAddress = 3;
  LoginThrottle throttle(settings, time.clock());
  EXPECT_FALSE(throttle.failed("192.0.2.1", "a", "x").lockedOut);
  EXPECT_FALSE(throttle.failed("192.0.2.1", "b", "x").lockedOut);
  EXPECT_TRUE(throttle.failed("192.0.2.1", "c", "x").lockedOut);
  EXPECT_FALSE(throttle.admits("192.0.2.1", ""));
  EXPECT_FALSE(throttle.admits("192.0.2.1", "someone-else"));
  EXPECT_TRUE(throttle.admits("198.51.100.2", ""));
  time.now += seconds(600);
  EXPECT_TRUE(throttle.admits("192.0.2.1", ""));
}

TEST(LoginThrottle, ARefusalWaitsTheAddresssCurrentPenalty) {
  ManualClock time;
  LoginThrottle throttle(dovecotLike(), time.clock());
  EXPECT_EQ(throttle.refusalDelay("192.0.2.1"), milliseconds(0));  // never failed
  for (const char* guess : {"a", "b", "c", "d", "e"}) throttle.failed("192.0.2.1", "alice", guess);
  EXPECT_EQ(throttle.refusalDelay("192.0.2.1"), milliseconds(15000));  // 32 s, capped
  EXPECT_EQ(throttle.refusalDelay("198.51.100.2"), milliseconds(0));
}

TEST(LoginThrottle, ASuccessDoesNotLiftALockout) {
  ManualClock time;
  auto settings = dovecotLike();
  settings.maxFailuresPerAddress = 2;
  LoginThrottle throttle(settings, time.clock());
  throttle.failed("192.0.2.1", "a", "x");
  throttle.succeeded("192.0.2.1");  // the attacker's own account
  EXPECT_TRUE(throttle.failed("192.0.2.1", "b", "x").lockedOut);
}

TEST(LoginThrottle, LocksALoginNameOutWhateverTheAddress) {
  ManualClock time;
  auto settings = dovecotLike();
  settings.maxFailuresPerUser = 3;
  LoginThrottle throttle(settings, time.clock());
  throttle.failed("192.0.2.1", "alice@example.org", "x");
  throttle.failed("192.0.2.2", "alice@example.org", "x");
  EXPECT_TRUE(throttle.failed("192.0.2.3", "ALICE@example.org", "x").lockedOut);  // names match without case
  EXPECT_FALSE(throttle.admits("192.0.2.9", "alice@example.org"));
  EXPECT_TRUE(throttle.admits("192.0.2.9", "bob@example.org"));
  EXPECT_TRUE(throttle.admits("192.0.2.9", ""));  // the name is not known yet: only the address counts
}

TEST(LoginThrottle, RepeatsDoNotLockAUserOut) {
  ManualClock time;
  auto settings = dovecotLike();
  settings.maxFailuresPerUser = 3;
  settings.maxFailuresPerAddress = 3;
  LoginThrottle throttle(settings, time.clock());
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(throttle.failed("192.0.2.1", "alice", "old password").lockedOut);
  EXPECT_TRUE(throttle.admits("192.0.2.1", "alice"));
}

TEST(LoginThrottle, ZeroLimitsNeverLockOut) {
  ManualClock time;
  LoginThrottle throttle(dovecotLike(), time.clock());
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(throttle.failed("192.0.2.1", "alice", std::to_string(i)).lockedOut);
  EXPECT_TRUE(throttle.admits("192.0.2.1", "alice"));
}

TEST(LoginThrottle, ForgetsTheLeastRecentlyFailedAddressBeyondItsCapacity) {
  ManualClock time;
  auto settings = dovecotLike();
  settings.capacity = 3;
  settings.maxFailuresPerAddress = 1;
  LoginThrottle throttle(settings, time.clock());
  for (const char* address : {"10.0.0.1", "10.0.0.2", "10.0.0.3"}) throttle.failed(address, "", std::nullopt);
  throttle.failed("10.0.0.1", "", std::nullopt);  // the oldest fails again: now 10.0.0.2 is the oldest
  throttle.failed("10.0.0.4", "", std::nullopt);
  EXPECT_FALSE(throttle.admits("10.0.0.1", ""));
  EXPECT_TRUE(throttle.admits("10.0.0.2", ""));
  EXPECT_FALSE(throttle.admits("10.0.0.3", ""));
  EXPECT_FALSE(throttle.admits("10.0.0.4", ""));
}

TEST(LoginThrottle, AZeroFirstDelayTurnsDelaysOff) {
  ManualClock time;
  auto settings = dovecotLike();
  settings.firstDelay = milliseconds(0);
  LoginThrottle throttle(settings, time.clock());
  for (int i = 0; i < 50; ++i) EXPECT_EQ(throttle.failed("192.0.2.1", "alice", std::to_string(i)).delay, milliseconds(0));
}

// Dovecot's auth penalty counts an IPv6 client by its /48: within it an attacker has addresses to spare.
TEST(LoginThrottle, AnIpv6ClientIsCountedByItsSlash48) {
  ManualClock time;
  ThrottleSettings settings = dovecotLike();
  settings.maxFailuresPerAddress = 3;
  LoginThrottle throttle(settings, time.clock());
  EXPECT_EQ(throttle.failed("2001:db8:1:2::1", "alice", "a").delay, milliseconds(2000));
  EXPECT_EQ(throttle.failed("2001:db8:1:ffff::5", "bob", "b").delay, milliseconds(4000));
  EXPECT_TRUE(throttle.failed("2001:DB8:1::99", "carol", "c").lockedOut);
  EXPECT_FALSE(throttle.admits("2001:db8:1:2:3:4:5:6", ""));
  EXPECT_EQ(throttle.refusalDelay("2001:db8:1::7"), milliseconds(8000));
  EXPECT_TRUE(throttle.admits("2001:db8:2::1", ""));  // the next /48
  EXPECT_EQ(throttle.refusalDelay("2001:db8:2::1"), milliseconds(0));
}

TEST(LoginThrottle, AnIpv4MappedAddressIsItsIpv4Address) {
  ManualClock time;
  LoginThrottle throttle(dovecotLike(), time.clock());
  EXPECT_EQ(throttle.failed("192.0.2.1", "alice", "a").delay, milliseconds(2000));
  EXPECT_EQ(throttle.failed("::ffff:192.0.2.1", "alice", "b").delay, milliseconds(4000));
  EXPECT_EQ(throttle.refusalDelay("192.0.2.2"), milliseconds(0));  // IPv4 addresses stay whole
  EXPECT_EQ(throttle.refusalDelay("local"), milliseconds(0));
}

}  // namespace
}  // namespace postamt::pop3
