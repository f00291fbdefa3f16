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

DomainOwners nested() {
  DomainOwners owners;
  owners.add("a.test", "A");
  owners.add("Shop.A.Test", "S");  // a subdomain given to another tenant
  owners.add("b.example", "B");
  return owners;
}

TEST(DomainOwnersTest, ANameBelongsToTheTenantOfTheMostSpecificDomainItLiesWithin) {
  const auto owners = nested();
  EXPECT_EQ(*owners.ownerOf("a.test"), "A");
  EXPECT_EQ(*owners.ownerOf("mail.a.test"), "A");
  EXPECT_EQ(*owners.ownerOf("shop.a.test"), "S");
  EXPECT_EQ(*owners.ownerOf("pop.shop.a.test"), "S");
  EXPECT_EQ(*owners.ownerOf("x.y.SHOP.a.test"), "S");
  EXPECT_EQ(*owners.ownerOf("POP.B.Example"), "B");
}

TEST(DomainOwnersTest, AWildcardAsksForTheDomainItStandsIn) {
  const auto owners = nested();
  EXPECT_EQ(*owners.ownerOf("*.a.test"), "A");
  EXPECT_EQ(*owners.ownerOf("*.shop.a.test"), "S");
}

TEST(DomainOwnersTest, ANameWithinNoDomainHasNoOwner) {
  const auto owners = nested();
  EXPECT_EQ(owners.ownerOf("evila.test"), nullptr);
  EXPECT_EQ(owners.ownerOf("test"), nullptr);
  EXPECT_EQ(owners.ownerOf("*.test"), nullptr);
  EXPECT_EQ(owners.ownerOf("a.test.evil"), nullptr);
  EXPECT_EQ(owners.ownerOf(""), nullptr);
  EXPECT_EQ(owners.ownerOf("."), nullptr);
}

}  // namespace
}  // namespace postamt::net
