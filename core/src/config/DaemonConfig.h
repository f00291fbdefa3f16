#pragma once

#include <Poco/AutoPtr.h>
#include <Poco/Util/AbstractConfiguration.h>

#include <chrono>
#include <string>

#include "config/Logging.h"
#include "net/Server.h"

namespace postamt::config {

// The settings postamtd and postamtctl read from the config file, with their
// defaults; see core/etc/postamtd.conf for each key's meaning.
struct DaemonConfig {
  Poco::AutoPtr<Poco::Util::AbstractConfiguration> raw;  // plugin instances read their keys from here
  std::string directoryConnector = "SQLite";
  std::string directoryConnect;
  std::string pluginDirectory;
  std::string defaultDomain;
  LogSettings log;
  std::size_t passwordCacheSize = 100000;
  std::chrono::seconds passwordCacheTtl{3600};
  std::size_t slowHashConcurrency = 0;  // slow password hashes at once; 0: half the cores
  std::size_t eventQueueSize = 10000;  // per events instance
  std::string metricsAddress = "127.0.0.1:9110";  // empty: no metrics endpoint
  net::ServerSettings server;
  // SIGTERM: how long open sessions may go on before they are closed without applying their deletions.
  std::chrono::seconds drainTimeout{30};
  net::CertificateFiles tlsCertificate;  // the default certificate; none: no listener has TLS
  std::string tlsCipherList = net::kDefaultCipherList;
};

// Reads and checks the whole file; throws ConfigError naming the bad key.
DaemonConfig loadDaemonConfig(const std::string& path);

}  // namespace postamt::config
