#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "net/ProxyHeader.h"

namespace postamt::net {
namespace {

using Status = ProxyHeader::Status;

const std::string kV2Signature("\r\n\r\n\0\r\nQUIT\n", 12);

// A version 2 header: signature, version/command, family/transport, big-endian length, then `block`.
std::string v2(unsigned char versionCommand, unsigned char familyTransport, const std::string& block) {
  std::string header = kV2Signature;
  header += static_cast<char>(versionCommand);
  header += static_cast<char>(familyTransport);
  header += static_cast<char>(block.size() >> 8);
  header += static_cast<char>(block.size() & 0xFF);
  return header + block;
}

std::string bytes(std::initializer_list<int> octets) {
  std::string out;
  for (int o : octets) out += static_cast<char>(o);
  return out;
}

// 198.51.100.22:35646 -> 203.0.113.7:110
const std::string kInet = bytes({198, 51, 100, 22, 203, 0, 113, 7, 0x8B, 0x3E, 0, 110});
// 2001:db8::5:443 -> 2001:db8::1:995, followed by a PP2_TYPE_NOOP TLV that the receiver skips.
const std::string kInet6 = bytes({0x20, 0x01, 0x0d, 0xb8, 0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 5,  //
                                  0x20, 0x01, 0x0d, 0xb8, 0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 1,  //
                                  0x01, 0xBB, 0x03, 0xE3, 0x04, 0x00, 0x02, 0, 0});

// What the receiver (ProxyHeaderReceiver.cpp) does when the sender's octets arrive one at a time: it parses what it
// has taken and what it sees, takes all of it while the header is incomplete, and stops at the verdict or when the
// sender has sent everything (the receiver would then wait and time out). A complete header never ends among the
// octets taken already.
ProxyHeader readOctetByOctet(const std::string& input) {
  for (std::size_t taken = 0; taken < input.size(); ++taken) {
    const ProxyHeader verdict = parseProxyHeader(std::string_view(input).substr(0, taken + 1));  // one octet more seen
    if (verdict.status == Status::Complete) {
      EXPECT_GE(verdict.length, taken + 1);
    }
    if (verdict.status != Status::Incomplete) return verdict;
  }
  return parseProxyHeader(input);
}

struct Valid {
  std::string header;
  std::optional<std::string> address;
  std::uint16_t port;
};

std::vector<Valid> validHeaders() {
  return {
      {"PROXY TCP4 198.51.100.22 203.0.113.7 35646 110\r\n", "198.51.100.22", 35646},
      {"PROXY TCP6 2001:db8::5 2001:db8::1 443 995\r\n", "2001:db8::5", 443},
      {"PROXY TCP6 ::ffff:127.0.0.9 ::ffff:127.0.0.1 1 2\r\n", "127.0.0.9", 1},
      {"PROXY TCP4 0.0.0.0 255.255.255.255 0 65535\r\n", "0.0.0.0", 0},
      {"PROXY UNKNOWN\r\n", std::nullopt, 0},
      {"PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n", std::nullopt, 0},
      {v2(0x21, 0x11, kInet), "198.51.100.22", 35646},
      {v2(0x21, 0x21, kInet6), "2001:db8::5", 443},
      {v2(0x20, 0x00, ""), std::nullopt, 0},                     // LOCAL, as HAProxy's health checks send it
      {v2(0x20, 0x11, kInet), std::nullopt, 0},                  // LOCAL with addresses: still the proxy's own connection
      {v2(0x21, 0x00, ""), std::nullopt, 0},                     // PROXY over UNSPEC
      {v2(0x21, 0x31, std::string(216, 'x')), std::nullopt, 0},  // AF_UNIX
  };
}

TEST(ProxyHeaderTest, ValidHeadersGiveTheClientsAddressAndTheirExactLength) {
  for (const auto& valid : validHeaders()) {
    SCOPED_TRACE(valid.header);
    const ProxyHeader verdict = parseProxyHeader(valid.header);
    ASSERT_EQ(verdict.status, Status::Complete) << verdict.error;
    EXPECT_EQ(verdict.length, valid.header.size());
    ASSERT_EQ(verdict.source.has_value(), valid.address.has_value());
    if (valid.address) {
      EXPECT_EQ(verdict.source->address, *valid.address);
      EXPECT_EQ(verdict.source->port, valid.port);
    }
  }
}

TEST(ProxyHeaderTest, WhatFollowsTheHeaderIsTheClientsAndNotPartOfIt) {
  const std::string clientHello = "\x16\x03\x01\x02\x00\x01";
  for (const auto& valid : validHeaders()) {
    SCOPED_TRACE(valid.header);
    const ProxyHeader verdict = parseProxyHeader(valid.header + clientHello + "CAPA\r\n");
    ASSERT_EQ(verdict.status, Status::Complete);
    EXPECT_EQ(verdict.length, valid.header.size());
  }
}

TEST(ProxyHeaderTest, EveryPrefixOfAValidHeaderIsIncompleteSoTheReceiverTakesOnlyHeaderOctets) {
  for (const auto& valid : validHeaders()) {
    SCOPED_TRACE(valid.header);
    for (std::size_t split = 0; split < valid.header.size(); ++split) {
      const ProxyHeader verdict = parseProxyHeader(std::string_view(valid.header).substr(0, split));
      ASSERT_EQ(verdict.status, Status::Incomplete) << "at " << split << ": " << verdict.error;
    }
    const ProxyHeader verdict = readOctetByOctet(valid.header + "USER x\r\n");
    EXPECT_EQ(verdict.status, Status::Complete);
    EXPECT_EQ(verdict.length, valid.header.size());
  }
}

TEST(ProxyHeaderTest, MalformedHeadersAreRefusedAtTheirFirstBadOctetOrAtTheirEnd) {
  const std::vector<std::string> malformed = {
      "USER alice\r\n",
      "GET / HTTP/1.0\r\n",
      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  // a TLS ClientHello without the header
      "proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n",
      "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n",
      "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\r\n",
      "PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n",
      "PROXY TCP4 ::1 ::1 1 2\r\n",
      "PROXY TCP6 1.2.3.4 5.6.7.8 1 2\r\n",
      "PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n",
      "PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n",
      "PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n",
      "PROXY TCP4 1.2.3.4 5.6.7.8 1 x\r\n",
      "PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n",
      "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n",
      "PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n",
      "PROXY \r\n",
      "PROXY TCP4 " + std::string(120, '1') + "\r\n",
      v2(0x11, 0x11, kInet),                                      // version 1 in a version 2 header
      v2(0x22, 0x11, kInet),                                      // command 2
      v2(0x21, 0x41, kInet),                                      // family 4
      v2(0x21, 0x13, kInet),                                      // transport 3
      v2(0x21, 0x12, kInet),                                      // UDP on a TCP listener
      v2(0x21, 0x11, kInet.substr(0, 11)),                        // address block too short for IPv4
      v2(0x21, 0x21, kInet),                                      // ... and for IPv6
      v2(0x21, 0x11, std::string(kMaxProxyV2Header - 15, '\0')),  // longer than the limit
  };
  for (const auto& input : malformed) {
    SCOPED_TRACE(input);
    const ProxyHeader verdict = readOctetByOctet(input);
    EXPECT_EQ(verdict.status, Status::Invalid);
    EXPECT_FALSE(verdict.error.empty());
    for (std::size_t split = 0; split <= input.size(); ++split) {
      EXPECT_NE(parseProxyHeader(std::string_view(input).substr(0, split)).status, Status::Complete) << "at " << split;
    }
  }
}

TEST(ProxyHeaderTest, AVersionOneLineWithoutItsEndIsRefusedAtTheLimit) {
  const std::string endless = "PROXY TCP4 " + std::string(200, '1');
  const ProxyHeader verdict = readOctetByOctet(endless);
  EXPECT_EQ(verdict.status, Status::Invalid);
  EXPECT_EQ(parseProxyHeader(endless.substr(0, kMaxProxyV1Header - 1)).status, Status::Incomplete);
}

TEST(ProxyHeaderTest, AnOversizedVersionTwoLengthIsRefusedBeforeItsBlockArrives) {
  const std::string header = v2(0x21, 0x11, std::string(kMaxProxyV2Header, 'x'));
  EXPECT_EQ(parseProxyHeader(header.substr(0, 16)).status, Status::Invalid);
}

}  // namespace
}  // namespace postamt::net
