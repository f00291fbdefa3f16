#include <gtest/gtest.h>

#include "sasl/Plain.h"

namespace postamt::sasl {
namespace {

using namespace std::string_literals;
using Kind = Step::Kind;

// RFC 4616 section 2: the client sends first, so without an initial response the server asks with nothing.
TEST(PlainTest, AsksWithAnEmptyChallenge) {
  Plain plain;
  const auto step = plain.start();
  EXPECT_EQ(step.kind, Kind::Challenge);
  EXPECT_EQ(step.challenge, "");
}

TEST(PlainTest, HandsAuthcidAndPasswordOver) {
  Plain plain;
  const auto step = plain.step("\0tim\0tanstaaftanstaaf"s);  // RFC 4616 section 4, first example
  EXPECT_EQ(step.kind, Kind::Password);
  EXPECT_EQ(step.user, "tim");
  EXPECT_EQ(step.password, "tanstaaftanstaaf");
}

TEST(PlainTest, AcceptsAnAuthzidEqualToTheAuthcid) {
  Plain plain;
  const auto step = plain.step("alice@example.org\0alice@example.org\0pass word"s);
  EXPECT_EQ(step.kind, Kind::Password);
  EXPECT_EQ(step.user, "alice@example.org");
  EXPECT_EQ(step.password, "pass word");
}

// RFC 4616 section 2: the server verifies that the authcid may act as the authzid; here nobody may act for another.
TEST(PlainTest, RefusesToActAsSomeoneElse) {
  Plain plain;
  const auto step = plain.step("Ursel\0Kurt\0xipj3plmq"s);  // RFC 4616 section 4, second example
  EXPECT_EQ(step.kind, Kind::Failure);
  EXPECT_EQ(step.failure, Step::Failure::Auth);
}

TEST(PlainTest, RefusesMalformedMessages) {
  for (const auto& bad : {""s, "alice"s, "\0alice"s, "\0\0secret"s, "\0alice\0"s, "\0alice\0sec\0ret"s, "a\0b\0c\0d"s}) {
    Plain plain;
    EXPECT_EQ(plain.step(bad).kind, Kind::Failure);
  }
}

}  // namespace
}  // namespace postamt::sasl
