#include "net/TrustedNetworks.h"

#include <Poco/StringTokenizer.h>

#include <stdexcept>

namespace postamt::net {
namespace {

Poco::Net::IPAddress unmapped(const Poco::Net::IPAddress& address) {
  if (address.family() != Poco::Net::IPAddress::IPv6 || !address.isIPv4Mapped()) return address;
  return Poco::Net::IPAddress(static_cast<const unsigned char*>(address.addr()) + 12, 4);
}

}  // namespace

TrustedNetworks TrustedNetworks::parse(const std::string& list) {
  TrustedNetworks trusted;
  const Poco::StringTokenizer entries(list, ", \t", Poco::StringTokenizer::TOK_IGNORE_EMPTY | Poco::StringTokenizer::TOK_TRIM);
  for (const auto& entry : entries) {
    const auto slash = entry.find('/');
    Poco::Net::IPAddress base;
    if (!Poco::Net::IPAddress::tryParse(entry.substr(0, slash), base)) {
      throw std::invalid_argument("'" + entry + "' is not an IP address or network");
    }
    const unsigned bits = base.family() == Poco::Net::IPAddress::IPv4 ? 32 : 128;
    unsigned prefix = bits;
    if (slash != std::string::npos) {
      const std::string digits = entry.substr(slash + 1);
      if (digits.empty() || digits.size() > 3 || digits.find_first_not_of("0123456789") != std::string::npos ||
          std::stoul(digits) > bits) {
        throw std::invalid_argument("'" + entry + "' has no prefix length from 0 to " + std::to_string(bits));
      }
      prefix = static_cast<unsigned>(std::stoul(digits));
    }
    const Poco::Net::IPAddress mask(prefix, base.family());
    trusted.networks_.push_back({base & mask, mask});
  }
  return trusted;
}

bool TrustedNetworks::contains(const Poco::Net::SocketAddress& peer) const {
  if (peer.family() == Poco::Net::SocketAddress::UNIX_LOCAL) return true;
  return contains(peer.host());
}

bool TrustedNetworks::contains(const Poco::Net::IPAddress& address) const {
  const auto ip = unmapped(address);
  for (const auto& network : networks_) {
    if (network.base.family() == ip.family() && (ip & network.mask) == network.base) return true;
  }
  return false;
}

}  // namespace postamt::net
