#include <gtest/gtest.h>

#include <stdexcept>

#include "net/TrustedNetworks.h"

namespace postamt::net {
namespace {

bool trusts(const std::string& list, const std::string& address) {
  return TrustedNetworks::parse(list).contains(Poco::Net::IPAddress(address));
}

TEST(TrustedNetworksTest, TheDefaultIsLoopbackOnly) {
  EXPECT_TRUE(trusts(kLoopbackNetworks, "127.0.0.1"));
  EXPECT_TRUE(trusts(kLoopbackNetworks, "127.255.0.9"));
  EXPECT_TRUE(trusts(kLoopbackNetworks, "::1"));
  EXPECT_FALSE(trusts(kLoopbackNetworks, "10.0.0.1"));
  EXPECT_FALSE(trusts(kLoopbackNetworks, "::2"));
  EXPECT_FALSE(trusts(kLoopbackNetworks, "128.0.0.1"));
}

TEST(TrustedNetworksTest, PrefixesCoverExactlyTheirBlock) {
  EXPECT_TRUE(trusts("192.0.2.0/24", "192.0.2.255"));
  EXPECT_FALSE(trusts("192.0.2.0/24", "192.0.3.0"));
  EXPECT_TRUE(trusts("2001:db8::/32", "2001:db8:ffff::1"));
  EXPECT_FALSE(trusts("2001:db8::/32", "2001:db9::1"));
  EXPECT_TRUE(trusts("0.0.0.0/0", "203.0.113.5"));
  EXPECT_FALSE(trusts("0.0.0.0/0", "::1"));
}

TEST(TrustedNetworksTest, HostBitsInTheBaseDoNotMatter) { EXPECT_TRUE(trusts("10.1.2.3/8", "10.200.0.1")); }

TEST(TrustedNetworksTest, AnAddressWithoutPrefixIsOneHost) {
  EXPECT_TRUE(trusts("198.51.100.7", "198.51.100.7"));
  EXPECT_FALSE(trusts("198.51.100.7", "198.51.100.8"));
}

TEST(TrustedNetworksTest, AnIpv4PeerOnAnIpv6SocketIsJudgedAsIpv4) {
  EXPECT_TRUE(trusts("10.0.0.0/8", "::ffff:10.9.8.7"));
  EXPECT_FALSE(trusts("10.0.0.0/8", "::ffff:11.9.8.7"));
}

TEST(TrustedNetworksTest, AnEmptyListTrustsNobodyButUnixSockets) {
  const auto nobody = TrustedNetworks::parse("");
  EXPECT_FALSE(nobody.contains(Poco::Net::IPAddress("127.0.0.1")));
  EXPECT_TRUE(nobody.contains(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, "/run/postamt.sock")));
}

TEST(TrustedNetworksTest, EntriesThatAreNoNetworkAreRefused) {
  for (const char* bad : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "example.com", "10.0.0.0/8/8", "300.1.1.1"}) {
    EXPECT_THROW(TrustedNetworks::parse(bad), std::invalid_argument) << bad;
  }
}

}  // namespace
}  // namespace postamt::net
