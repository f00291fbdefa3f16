#include <gtest/gtest.h>

#include "sasl/Login.h"

namespace postamt::sasl {
namespace {

using Kind = Step::Kind;

// draft-murchison-sasl-login-00 section 2: "Username:", then "Password:".
TEST(LoginTest, AsksForUserNameThenPassword) {
  Login login;
  auto step = login.start();
  EXPECT_EQ(step.kind, Kind::Challenge);
  EXPECT_EQ(step.challenge, "Username:");
  step = login.step("alice@example.org");
  EXPECT_EQ(step.kind, Kind::Challenge);
  EXPECT_EQ(step.challenge, "Password:");
  step = login.step("pass word");
  EXPECT_EQ(step.kind, Kind::Password);
  EXPECT_EQ(step.user, "alice@example.org");
  EXPECT_EQ(step.password, "pass word");
}

// An initial response (curl sends one) answers "Username:" before it is asked.
TEST(LoginTest, TakesTheInitialResponseAsTheUserName) {
  Login login;
  EXPECT_EQ(login.step("alice@example.org").challenge, "Password:");
  const auto step = login.step("secret");
  EXPECT_EQ(step.kind, Kind::Password);
  EXPECT_EQ(step.user, "alice@example.org");
}

TEST(LoginTest, RefusesAnEmptyUserNameOrPassword) {
  Login first;
  EXPECT_EQ(first.step("").kind, Kind::Failure);
  Login second;
  second.step("alice@example.org");
  EXPECT_EQ(second.step("").kind, Kind::Failure);
}

}  // namespace
}  // namespace postamt::sasl
