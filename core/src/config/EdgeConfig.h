#pragma once

#include <Poco/Util/AbstractConfiguration.h>

#include <string>

#include "net/ConnectionLimits.h"
#include "net/ProxyHeaderReceiver.h"

namespace postamt::config {

// listener.<name>.proxy_protocol and .proxy_from, and server.proxy_timeout_seconds: whether the listener named by
// `prefix` sits behind a PROXY protocol load balancer, and which addresses that may be. Throws ConfigError.
net::ProxyProtocol proxyProtocol(const Poco::Util::AbstractConfiguration& c, const std::string& prefix);

// server.max_connections_per_ip, server.max_connections_per_user_ip and server.max_connections_per_tenant; 0 is
// unlimited. Throws ConfigError.
net::ConnectionLimitSettings connectionLimits(const Poco::Util::AbstractConfiguration& c);

}  // namespace postamt::config
