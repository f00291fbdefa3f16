#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace postamt::net {

// The PROXY protocol header a load balancer (HAProxy: send-proxy, send-proxy-v2) puts before the client's first
// byte, version 1 (text) or 2 (binary), as HAProxy's proxy-protocol.txt specifies. Pure: bytes in, a verdict out, so
// the parser is tested at every split point and fuzzed (tests/fuzz/ProxyHeaderFuzzer.cpp) without sockets.

// Section 2.1: a version 1 line is at most 107 octets with its CRLF; the shortest is "PROXY UNKNOWN\r\n".
inline constexpr std::size_t kMaxProxyV1Header = 107;
inline constexpr std::size_t kMinProxyHeader = 15;
// Section 2.2: 16 octets, then `len` more of addresses and TLVs. The addresses need at most 216 (AF_UNIX); the
// rest is TLVs, of which HAProxy sends a few short ones at most. Anything longer is refused, not buffered.
inline constexpr std::size_t kMaxProxyV2Header = 16 + 1008;

// The client's side of the connection, as the proxy saw it.
struct ProxiedSource {
  std::string address;  // IPv4 dotted or IPv6 text; an IPv4-mapped IPv6 address is given as IPv4
  std::uint16_t port = 0;
};

struct ProxyHeader {
  enum class Status {
    Incomplete,  // a valid beginning, every octet of it within the header: take them, receive more, parse again
    Invalid,     // no PROXY header, or a malformed one: `error` says why
    Complete,    // the header is the first `length` octets; what follows belongs to the client
  };
  Status status = Status::Incomplete;
  std::size_t length = 0;
  std::string error;
  // None where the connection's own peer stands for the client: a version 2 LOCAL command (the proxy's own health
  // check, section 2.2), "PROXY UNKNOWN" (section 2.1), or an address family other than TCP over IPv4/IPv6.
  std::optional<ProxiedSource> source;
};

// Parses the octets received so far on a connection that must begin with a PROXY header.
ProxyHeader parseProxyHeader(std::string_view received);

}  // namespace postamt::net
