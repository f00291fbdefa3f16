#include "config/EdgeConfig.h"

#include "config/ConfigFile.h"

namespace postamt::config {
namespace {

// 0: unlimited.
std::size_t limit(const Poco::Util::AbstractConfiguration& c, const std::string& key, int fallback) {
  return static_cast<std::size_t>(atLeastZero(c, key, fallback));
}

}  // namespace

net::ProxyProtocol proxyProtocol(const Poco::Util::AbstractConfiguration& c, const std::string& prefix) {
  net::ProxyProtocol proxy;
  proxy.required = c.getBool(prefix + ".proxy_protocol", false);
  try {
    proxy.from = net::TrustedNetworks::parse(c.getString(prefix + ".proxy_from", net::kLoopbackNetworks));
  } catch (const std::invalid_argument& e) {
    throw ConfigError(prefix + ".proxy_from: " + e.what());
  }
  proxy.timeout = std::chrono::seconds(positive(c, "server.proxy_timeout_seconds", static_cast<int>(proxy.timeout.count())));
  return proxy;
}

net::ConnectionLimitSettings connectionLimits(const Poco::Util::AbstractConfiguration& c) {
  net::ConnectionLimitSettings limits;
  limits.perAddress = limit(c, "server.max_connections_per_ip", 0);
  limits.perUserAddress = limit(c, "server.max_connections_per_user_ip", 10);
  limits.perTenant = limit(c, "server.max_connections_per_tenant", 0);
  return limits;
}

}  // namespace postamt::config
