// Fuzzes net::parseProxyHeader, the first thing a PROXY protocol listener reads from a connection: arbitrary octets
// must get a verdict that stays the same however the receiver splits its reads, a complete header must lie within
// the spec's size limits and be complete at exactly its length and at no shorter prefix, and the parser must never
// ask for an octet beyond the header (or TLS's ClientHello after it would be read away from OpenSSL).

#include <arpa/inet.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "Expect.h"
#include "net/ProxyHeader.h"

namespace {

using postamt::fuzz::expect;
using postamt::net::parseProxyHeader;
using postamt::net::ProxyHeader;

bool sameVerdict(const ProxyHeader& a, const ProxyHeader& b) {
  if (a.status != b.status || a.length != b.length || a.source.has_value() != b.source.has_value()) return false;
  return !a.source || (a.source->address == b.source->address && a.source->port == b.source->port);
}

// The receiver of core/src/net/ProxyHeaderReceiver.cpp, when the sender's octets arrive `step` at a time: it parses
// what it has taken and what it sees, takes all of it while the header is incomplete, and never finds the header
// ending among the octets it took (it would then read past its buffer).
ProxyHeader readInSteps(std::string_view input, std::size_t step) {
  for (std::size_t taken = 0;;) {
    const std::size_t seen = std::min(step, input.size() - taken);
    const ProxyHeader verdict = parseProxyHeader(input.substr(0, taken + seen));
    if (verdict.status == ProxyHeader::Status::Complete) expect(verdict.length > taken, "a header ends in octets taken", input);
    if (verdict.status != ProxyHeader::Status::Incomplete || seen == 0) return verdict;
    taken += seen;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const ProxyHeader whole = parseProxyHeader(input);
  switch (whole.status) {
    case ProxyHeader::Status::Invalid:
      expect(!whole.error.empty(), "a refusal without a reason", input);
      break;
    case ProxyHeader::Status::Incomplete:
      // The receiver takes every octet of an incomplete header into a buffer of this size.
      expect(size < postamt::net::kMaxProxyV2Header, "incomplete beyond the longest header", input);
      break;
    case ProxyHeader::Status::Complete: {
      expect(whole.length >= postamt::net::kMinProxyHeader && whole.length <= size, "a header length out of range", input);
      expect(whole.length <= postamt::net::kMaxProxyV2Header, "a header longer than the limit", input);
      if (input[0] == 'P') expect(whole.length <= postamt::net::kMaxProxyV1Header, "a v1 line longer than 107", input);
      const std::string_view header = input.substr(0, whole.length);
      expect(sameVerdict(parseProxyHeader(header), whole), "the header alone reads differently", input);
      for (std::size_t split = 0; split < header.size(); ++split) {
        const ProxyHeader prefix = parseProxyHeader(header.substr(0, split));
        expect(prefix.status == ProxyHeader::Status::Incomplete, "a prefix of a complete header is decided", header);
      }
      if (whole.source) {
        unsigned char binary[16];
        const std::string& address = whole.source->address;
        expect(::inet_pton(AF_INET, address.c_str(), binary) == 1 || ::inet_pton(AF_INET6, address.c_str(), binary) == 1,
               "the client address is no IP address", address);
      }
      break;
    }
  }
  for (const std::size_t step : {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
    expect(sameVerdict(readInSteps(input, step), whole) || whole.status == ProxyHeader::Status::Incomplete,
           "reads split differently reach another verdict", input);
  }
  return 0;
}
