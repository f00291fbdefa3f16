#pragma once

#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <optional>
#include <stdexcept>

#include "net/ProxyHeader.h"
#include "net/TrustedNetworks.h"

namespace postamt::net {

// A listener behind a load balancer that speaks the PROXY protocol (HAProxy: send-proxy-v2).
struct ProxyProtocol {
  bool required = false;  // every connection must begin with a PROXY header, and none is served without one
  TrustedNetworks from = TrustedNetworks::parse(kLoopbackNetworks);  // the proxies; anyone else is refused
  std::chrono::seconds timeout{5};                                   // for the whole header, which proxies send at once
};

// Why a connection's PROXY header was not accepted: said in the log, never to the client.
class ProxyHeaderError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads the PROXY header at the start of `socket`, before any TLS and before the greeting, octet-exact: what follows
// (a ClientHello, a pipelined command) stays in the socket. Returns the client's address, or none where the proxy
// speaks for itself (LOCAL, UNKNOWN). Throws ProxyHeaderError on a malformed header, a timeout or a hang-up.
std::optional<ProxiedSource> receiveProxyHeader(const Poco::Net::StreamSocket& socket, std::chrono::seconds timeout);

}  // namespace postamt::net
