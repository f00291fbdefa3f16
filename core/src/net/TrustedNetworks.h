#pragma once

#include <Poco/Net/IPAddress.h>
#include <Poco/Net/SocketAddress.h>

#include <string>
#include <vector>

namespace postamt::net {

// The default: only this machine.
inline constexpr const char* kLoopbackNetworks = "127.0.0.0/8, ::1";

// The networks whose clients may send passwords without TLS (RFC 2595 section 6 leaves that to the server's
// policy): a list of CIDR blocks, "127.0.0.0/8, ::1, 10.0.0.0/8"; an address without /prefix is one host.
class TrustedNetworks {
 public:
  // Throws std::invalid_argument naming the entry that is no network.
  static TrustedNetworks parse(const std::string& list);

  // A unix socket peer is local, so trusted. An IPv4 peer on an IPv6 socket (::ffff:a.b.c.d) is judged as IPv4.
  bool contains(const Poco::Net::SocketAddress& peer) const;
  bool contains(const Poco::Net::IPAddress& address) const;

 private:
  struct Network {
    Poco::Net::IPAddress base;
    Poco::Net::IPAddress mask;
  };
  std::vector<Network> networks_;
};

}  // namespace postamt::net
