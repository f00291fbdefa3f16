#include "auth/AuthFailureLine.h"

#include <gtest/gtest.h>

#include <regex>

namespace postamt::auth {
namespace {

TEST(AuthFailureLine, NamesEveryFieldFail2banAndAnOperatorNeed) {
  EXPECT_EQ(authFailureLine("192.0.2.7", "demo", "PLAIN", "alice@demo.test", "wrong password"),
            "auth failed remote=192.0.2.7 tenant=demo mechanism=PLAIN user=\"alice@demo.test\" reason=\"wrong password\"");
}

TEST(AuthFailureLine, UnknownFieldsAreADash) {
  EXPECT_EQ(authFailureLine("::1", "", "", "", ""), "auth failed remote=::1 tenant=- mechanism=- user=\"\" reason=\"\"");
}

// A user name is whatever the client sent (SASL PLAIN carries any byte): it must not forge a line that would make
// fail2ban ban another address.
TEST(AuthFailureLine, AUserNameCannotForgeAnotherAddressOrLine) {
  const auto line = authFailureLine("192.0.2.7", "demo", "PLAIN", "x\" remote=203.0.113.9\nauth failed remote=203.0.113.9",
                                    "r\\");
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const std::regex fail2ban(R"(auth failed remote=(\S+) )");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(line, match, fail2ban));
  EXPECT_EQ(match[1], "192.0.2.7");
  EXPECT_NE(line.find(R"(user="x\" remote=203.0.113.9\nauth failed remote=203.0.113.9")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"(reason="r\\")"), std::string::npos) << line;
}

TEST(AuthFailureLine, OneWordFieldsStayOneWord) {
  EXPECT_EQ(authFailureLine("192.0.2.7", "demo", "PL AIN\"", "u", "r"),
            "auth failed remote=192.0.2.7 tenant=demo mechanism=PL?AIN? user=\"u\" reason=\"r\"");
}

}  // namespace
}  // namespace postamt::auth
