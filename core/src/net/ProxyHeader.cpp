#include "net/ProxyHeader.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace postamt::net {
namespace {

constexpr std::string_view kV1Prefix = "PROXY ";
// Section 2.2: the twelve octets that can begin no text protocol.
constexpr std::string_view kV2Signature("\r\n\r\n\0\r\nQUIT\n", 12);
constexpr std::size_t kV2Fixed = 16;

ProxyHeader incomplete() { return {ProxyHeader::Status::Incomplete, 0, {}, {}}; }
ProxyHeader invalid(std::string error) { return {ProxyHeader::Status::Invalid, 0, std::move(error), {}}; }
ProxyHeader complete(std::size_t length, std::optional<ProxiedSource> source = std::nullopt) {
  return {ProxyHeader::Status::Complete, length, {}, std::move(source)};
}

bool beginsLike(std::string_view received, std::string_view expected) {
  const auto n = std::min(received.size(), expected.size());
  return received.substr(0, n) == expected.substr(0, n);
}

// An IPv4 client of a dual-stack proxy arrives as ::ffff:a.b.c.d; it is the same client as a.b.c.d.
std::string addressText(int family, const void* binary) {
  char text[INET6_ADDRSTRLEN] = {};
  if (family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(static_cast<const in6_addr*>(binary))) {
    return addressText(AF_INET, static_cast<const unsigned char*>(binary) + 12);
  }
  ::inet_ntop(family, binary, text, sizeof text);
  return text;
}

std::optional<std::string> parseAddress(int family, const std::string& text) {
  std::array<unsigned char, sizeof(in6_addr)> binary{};
  if (::inet_pton(family, text.c_str(), binary.data()) != 1) return std::nullopt;
  return addressText(family, binary.data());
}

// Section 2.1: a decimal number from 0 to 65535.
std::optional<std::uint16_t> parsePort(std::string_view text) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  const unsigned long value = std::stoul(std::string(text));
  if (value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

// "PROXY TCP4 198.51.100.22 203.0.113.7 35646 110": words separated by single spaces, then CRLF.
ProxyHeader parseV1(std::string_view received) {
  const auto lf = received.find('\n');
  if (lf == std::string_view::npos) {
    if (received.size() >= kMaxProxyV1Header) return invalid("PROXY v1 line longer than 107 octets");
    return incomplete();
  }
  if (lf + 1 > kMaxProxyV1Header) return invalid("PROXY v1 line longer than 107 octets");
  if (lf == 0 || received[lf - 1] != '\r') return invalid("PROXY v1 line not ended by CRLF");
  const std::string_view line = received.substr(kV1Prefix.size(), lf - 1 - kV1Prefix.size());
  // Section 2.1: with UNKNOWN the receiver ignores the rest of the line and keeps the connection's own addresses.
  if (line == "UNKNOWN" || line.substr(0, 8) == "UNKNOWN ") return complete(lf + 1);
  std::array<std::string_view, 5> words;
  std::size_t count = 0;
  for (std::size_t start = 0;;) {
    const auto space = line.find(' ', start);
    if (count == words.size()) return invalid("PROXY v1 line has more than six words");
    words[count++] = line.substr(start, space == std::string_view::npos ? std::string_view::npos : space - start);
    if (space == std::string_view::npos) break;
    start = space + 1;
  }
  if (count != words.size()) return invalid("PROXY v1 line has fewer than six words");
  int family = 0;
  if (words[0] == "TCP4")
    family = AF_INET;
  else if (words[0] == "TCP6")
    family = AF_INET6;
  else
    return invalid("PROXY v1 protocol is not TCP4, TCP6 or UNKNOWN");
  const auto source = parseAddress(family, std::string(words[1]));
  if (!source || !parseAddress(family, std::string(words[2]))) return invalid("PROXY v1 address does not match its protocol");
  const auto sourcePort = parsePort(words[3]);
  if (!sourcePort || !parsePort(words[4])) return invalid("PROXY v1 port is not a number from 0 to 65535");
  return complete(lf + 1, ProxiedSource{*source, *sourcePort});
}

std::uint16_t bigEndian16(const char* p) {
  return static_cast<std::uint16_t>((static_cast<unsigned char>(p[0]) << 8) | static_cast<unsigned char>(p[1]));
}

ProxyHeader parseV2(std::string_view received) {
  if (received.size() < kV2Fixed) return incomplete();
  const auto versionCommand = static_cast<unsigned char>(received[12]);
  if ((versionCommand >> 4) != 2) return invalid("PROXY v2 header has version " + std::to_string(versionCommand >> 4));
  const unsigned command = versionCommand & 0x0F;
  if (command > 1) return invalid("PROXY v2 command is neither LOCAL nor PROXY");
  const auto familyTransport = static_cast<unsigned char>(received[13]);
  const std::size_t length = kV2Fixed + bigEndian16(received.data() + 14);
  if (length > kMaxProxyV2Header) return invalid("PROXY v2 header longer than " + std::to_string(kMaxProxyV2Header) + " octets");
  if (received.size() < length) return incomplete();
  // LOCAL: the proxy speaks for itself (a health check); the address block, whatever it says, is ignored.
  if (command == 0) return complete(length);
  const unsigned family = familyTransport >> 4, transport = familyTransport & 0x0F;
  if (family > 3 || transport > 2) return invalid("PROXY v2 address family or transport is unknown");
  // UNSPEC and AF_UNIX: the connection's own peer stands for the client (section 2.2).
  if (family == 0 || family == 3) return complete(length);
  if (transport != 1) return invalid("PROXY v2 transport is not a stream");
  const std::size_t addressSize = family == 1 ? 4 : 16;
  if (length - kV2Fixed < 2 * addressSize + 4) return invalid("PROXY v2 address block shorter than its family needs");
  const char* block = received.data() + kV2Fixed;
  return complete(length,
                  ProxiedSource{addressText(family == 1 ? AF_INET : AF_INET6, block), bigEndian16(block + 2 * addressSize)});
}

}  // namespace

ProxyHeader parseProxyHeader(std::string_view received) {
  if (received.empty()) return incomplete();
  if (beginsLike(received, kV1Prefix)) return parseV1(received);
  if (beginsLike(received, kV2Signature)) return parseV2(received);
  return invalid("no PROXY protocol header");
}

}  // namespace postamt::net
