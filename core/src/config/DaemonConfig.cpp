#include "config/DaemonConfig.h"

#include <Poco/Logger.h>

#include "config/ConfigFile.h"

#ifndef POSTAMT_DEFAULT_PLUGIN_DIR
#define POSTAMT_DEFAULT_PLUGIN_DIR "/usr/lib/postamt/plugins"
#endif

namespace postamt::config {
namespace {

int positive(const Poco::Util::AbstractConfiguration& c, const std::string& key, int fallback) {
  const int value = c.getInt(key, fallback);
  if (value <= 0) throw ConfigError(key + " must be a positive number, not " + c.getString(key));
  return value;
}

std::vector<net::ListenerSettings> listeners(const Poco::Util::AbstractConfiguration& c) {
  std::vector<net::ListenerSettings> out;
  Poco::Util::AbstractConfiguration::Keys names;
  c.keys("listener", names);
  for (const auto& name : names) {
    const std::string prefix = "listener." + name;
    const std::string protocol = c.getString(prefix + ".protocol", "pop3");
    if (protocol != "pop3") throw ConfigError(prefix + ".protocol: '" + protocol + "' is not served by this build (pop3)");
    const std::string address = c.getString(prefix + ".address", "");
    try {
      out.push_back({name, Poco::Net::SocketAddress(address)});
    } catch (const Poco::Exception& e) {
      throw ConfigError(prefix + ".address: '" + address + "' is not host:port (" + e.displayText() + ")");
    }
  }
  if (out.empty()) throw ConfigError("no listener declared (listener.pop3.address = 127.0.0.1:110)");
  return out;
}

}  // namespace

DaemonConfig loadDaemonConfig(const std::string& path) {
  DaemonConfig config;
  config.raw = loadConfigFile(path);
  const auto& c = *config.raw;
  try {
    config.directoryConnector = c.getString("directory.connector", config.directoryConnector);
    config.directoryConnect = c.getString("directory.connect", "");
    if (config.directoryConnect.empty()) throw ConfigError("directory.connect is required (the directory database)");
    config.pluginDirectory = c.getString("plugins.directory", POSTAMT_DEFAULT_PLUGIN_DIR);
    config.defaultDomain = c.getString("pop3.default_domain", "");
    config.logLevel = c.getString("log.level", config.logLevel);

    auto& server = config.server;
    server.listeners = listeners(c);
    server.maxConnections = positive(c, "server.max_connections", server.maxConnections);
    server.maxQueued = positive(c, "server.max_queued", server.maxQueued);
    server.threadStackKiB = positive(c, "server.thread_stack_kib", server.threadStackKiB);

    auto& session = server.session;
    session.greetingHost = c.getString("server.hostname", session.greetingHost);
    session.loginTimeout = std::chrono::seconds(positive(c, "pop3.login_timeout_seconds", int(session.loginTimeout.count())));
    session.idleTimeout = std::chrono::seconds(positive(c, "pop3.idle_timeout_seconds", int(session.idleTimeout.count())));
    session.maxBadCommands = positive(c, "pop3.max_bad_commands", session.maxBadCommands);
    if (session.idleTimeout < std::chrono::minutes(10)) {
      Poco::Logger::get("config").warning(
          "pop3.idle_timeout_seconds is below the 10 minutes RFC 1939 section 3 requires; clients may lose sessions");
    }
    for (const auto* text : {&session.greetingHost, &session.implementation}) {
      if (text->find_first_of("\r\n") != std::string::npos) throw ConfigError("server.hostname must be one line");
    }
  } catch (const Poco::SyntaxException& e) {
    throw ConfigError(path + ": " + e.displayText());
  }
  return config;
}

}  // namespace postamt::config
