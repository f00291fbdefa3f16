#include <gtest/gtest.h>

#include "net/ServerNames.h"

namespace postamt::net {
namespace {

const std::string* find(const ServerNames<std::string>& names, std::string_view serverName) { return names.find(serverName); }

ServerNames<std::string> twoTenants() {
  ServerNames<std::string> names;
  names.add("mail.a.test", "A");
  names.add("*.b.test", "B wildcard");
  names.add("pop.b.test", "B exact");
  return names;
}

TEST(ServerNamesTest, AnExactNameWinsOverAWildcard) {
  const auto names = twoTenants();
  EXPECT_EQ(*find(names, "mail.a.test"), "A");
  EXPECT_EQ(*find(names, "pop.b.test"), "B exact");
  EXPECT_EQ(*find(names, "imap.b.test"), "B wildcard");
}

// RFC 6125 section 6.4.3: the wildcard stands for exactly the left-most label.
TEST(ServerNamesTest, AWildcardCoversOneLabelOnly) {
  const auto names = twoTenants();
  EXPECT_EQ(find(names, "b.test"), nullptr);
  EXPECT_EQ(find(names, "x.pop.b.test"), nullptr);
  EXPECT_EQ(find(names, ".b.test"), nullptr);
}

TEST(ServerNamesTest, NamesCompareWithoutCase) {
  const auto names = twoTenants();
  EXPECT_EQ(*find(names, "MAIL.A.Test"), "A");
  EXPECT_EQ(*find(names, "Imap.B.TEST"), "B wildcard");
}

TEST(ServerNamesTest, AnUnknownNameFindsNothing) {
  const auto names = twoTenants();
  EXPECT_EQ(find(names, "unknown.test"), nullptr);
  EXPECT_EQ(find(names, ""), nullptr);
  EXPECT_EQ(find(names, "test"), nullptr);
}

TEST(ServerNamesTest, ACertificateNameMustLieWithinTheTenantsDomains) {
  const std::vector<std::string> domains{"a.test", "shop.example"};
  EXPECT_TRUE(withinDomains("a.test", domains));
  EXPECT_TRUE(withinDomains("mail.a.test", domains));
  EXPECT_TRUE(withinDomains("*.a.test", domains));
  EXPECT_TRUE(withinDomains("POP.Shop.Example", domains));
  EXPECT_FALSE(withinDomains("mail.b.test", domains));
  EXPECT_FALSE(withinDomains("evila.test", domains));
  EXPECT_FALSE(withinDomains("*.test", domains));
  EXPECT_FALSE(withinDomains("a.test.evil", domains));
}

}  // namespace
}  // namespace postamt::net
