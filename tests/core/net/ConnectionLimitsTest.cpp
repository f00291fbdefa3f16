#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "net/ConnectionLimits.h"

namespace postamt::net {
namespace {

using Lease = ConnectionLimits::Lease;

TEST(ConnectionLimitsTest, AnAddressGetsAsManyConnectionsAsTheLimitAndNoMore) {
  ConnectionLimits limits({.perAddress = 2});
  auto first = limits.admitAddress("192.0.2.1");
  auto second = limits.admitAddress("192.0.2.1");
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(limits.admitAddress("192.0.2.1"));
  EXPECT_TRUE(limits.admitAddress("192.0.2.2")) << "another address has its own count";
}

TEST(ConnectionLimitsTest, AClosedConnectionGivesItsPlaceBack) {
  ConnectionLimits limits({.perAddress = 1});
  std::optional<Lease> lease = limits.admitAddress("192.0.2.1");
  ASSERT_TRUE(lease);
  EXPECT_FALSE(limits.admitAddress("192.0.2.1"));
  lease.reset();
  EXPECT_TRUE(limits.admitAddress("192.0.2.1"));
}

TEST(ConnectionLimitsTest, AMovedLeaseGivesItsPlaceBackOnce) {
  ConnectionLimits limits({.perAddress = 2});
  std::optional<Lease> kept;
  {
    auto lease = limits.admitAddress("192.0.2.1");
    ASSERT_TRUE(lease);
    kept = std::move(*lease);
  }
  auto other = limits.admitAddress("192.0.2.1");
  ASSERT_TRUE(other);
  EXPECT_FALSE(limits.admitAddress("192.0.2.1")) << "the moved-from lease must not have given the place back";
  Lease assigned = std::move(*other);
  assigned = std::move(*kept);  // gives the other place back, keeps this one
  EXPECT_TRUE(limits.admitAddress("192.0.2.1"));
}

TEST(ConnectionLimitsTest, ZeroIsUnlimited) {
  ConnectionLimits limits({});
  std::vector<Lease> leases;
  for (int i = 0; i < 1000; ++i) {
    auto lease = limits.admitUser("alice@example.org", "192.0.2.1");
    ASSERT_TRUE(lease);
    leases.push_back(std::move(*lease));
  }
  EXPECT_TRUE(limits.admitTenant(7));
  EXPECT_EQ(limits.trackedKeys(), 0u);
}

TEST(ConnectionLimitsTest, AUserIsCountedPerAddressWhateverTheCaseOfTheName) {
  ConnectionLimits limits({.perUserAddress = 1});
  auto lease = limits.admitUser("alice@example.org", "192.0.2.1");
  ASSERT_TRUE(lease);
  EXPECT_FALSE(limits.admitUser("Alice@Example.ORG", "192.0.2.1"));
  EXPECT_TRUE(limits.admitUser("alice@example.org", "192.0.2.2"));
  EXPECT_TRUE(limits.admitUser("bob@example.org", "192.0.2.1"));
}

TEST(ConnectionLimitsTest, TenantsAreCountedApart) {
  ConnectionLimits limits({.perTenant = 1});
  auto lease = limits.admitTenant(1);
  ASSERT_TRUE(lease);
  EXPECT_FALSE(limits.admitTenant(1));
  EXPECT_TRUE(limits.admitTenant(2));
}

TEST(ConnectionLimitsTest, NothingStaysBehindOnceEveryConnectionHasEnded) {
  ConnectionLimits limits({.perAddress = 3, .perUserAddress = 3, .perTenant = 3});
  {
    std::vector<Lease> leases;
    for (int i = 0; i < 500; ++i) {
      const std::string address = "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250);
      auto byAddress = limits.admitAddress(address);
      auto byUser = limits.admitUser("u" + std::to_string(i), address);
      auto byTenant = limits.admitTenant(i);
      ASSERT_TRUE(byAddress && byUser && byTenant);
      leases.push_back(std::move(*byAddress));
      leases.push_back(std::move(*byUser));
      leases.push_back(std::move(*byTenant));
    }
    EXPECT_EQ(limits.trackedKeys(), 1500u);
  }
  EXPECT_EQ(limits.trackedKeys(), 0u);
}

}  // namespace
}  // namespace postamt::net
