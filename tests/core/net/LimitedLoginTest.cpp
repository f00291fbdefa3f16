#include <gtest/gtest.h>

#include <optional>

#include "../pop3/FakeAuthenticator.h"
#include "net/LimitedLogin.h"

namespace postamt::net {
namespace {

using pop3::LoginResult;
using pop3::test::FakeAuthenticator;
using pop3::test::FakeStore;

const pop3::LoginRequest kAlice{"alice@example.org", "secret", "192.0.2.1", false};

TEST(LimitedLoginTest, AUserOverItsLimitFromOneAddressIsInUseAndItsPasswordIsNotChecked) {
  FakeStore first, second;
  FakeAuthenticator one(first), two(second);
  ConnectionLimits limits({.perUserAddress = 1});
  LimitedLogin connectionA(one, limits), connectionB(two, limits);
  ASSERT_EQ(connectionA.login(kAlice).outcome, LoginResult::Outcome::Ok);
  const LoginResult refused = connectionB.login(kAlice);
  EXPECT_EQ(refused.outcome, LoginResult::Outcome::InUse);
  EXPECT_NE(refused.clientText.find("Too many connections"), std::string::npos);
  EXPECT_TRUE(two.requests.empty());
}

TEST(LimitedLoginTest, TheConnectionGivesItsPlacesBackWhenItEnds) {
  FakeStore store;
  FakeAuthenticator inner(store);
  ConnectionLimits limits({.perUserAddress = 1, .perTenant = 1});
  {
    LimitedLogin connection(inner, limits);
    auto result = connection.login(kAlice);
    ASSERT_EQ(result.outcome, LoginResult::Outcome::Ok);
    EXPECT_EQ(limits.trackedKeys(), 2u);
  }
  EXPECT_EQ(limits.trackedKeys(), 0u);
  LimitedLogin next(inner, limits);
  EXPECT_EQ(next.login(kAlice).outcome, LoginResult::Outcome::Ok);
}

TEST(LimitedLoginTest, AFailedLoginHoldsNoPlace) {
  FakeStore store;
  FakeAuthenticator inner(store);
  ConnectionLimits limits({.perUserAddress = 1, .perTenant = 1});
  LimitedLogin connection(inner, limits);
  EXPECT_EQ(connection.login({"alice@example.org", "wrong", "192.0.2.1", false}).outcome, LoginResult::Outcome::Denied);
  EXPECT_EQ(limits.trackedKeys(), 0u);
}

TEST(LimitedLoginTest, ATenantOverItsLimitIsATemporaryFailureAndTheMaildropIsClosedAgain) {
  FakeStore first, second;
  FakeAuthenticator one(first), two(second);
  two.user = "bob@example.org";
  ConnectionLimits limits({.perTenant = 1});
  LimitedLogin connectionA(one, limits), connectionB(two, limits);
  ASSERT_EQ(connectionA.login(kAlice).outcome, LoginResult::Outcome::Ok);
  const LoginResult refused = connectionB.openProven({"bob@example.org", "", "192.0.2.2", false});
  EXPECT_EQ(refused.outcome, LoginResult::Outcome::TempFail);
  EXPECT_EQ(refused.maildrop, nullptr);
  EXPECT_FALSE(second.locked);
  EXPECT_NE(refused.clientText.find("Too many connections"), std::string::npos);
}

}  // namespace
}  // namespace postamt::net
