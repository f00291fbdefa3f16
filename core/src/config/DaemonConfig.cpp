#include "config/DaemonConfig.h"

#include <Poco/Logger.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <algorithm>
#include <cctype>

#include "config/ConfigFile.h"
#include "config/EdgeConfig.h"
#include "sasl/Mechanisms.h"

#ifndef POSTAMT_DEFAULT_PLUGIN_DIR
#define POSTAMT_DEFAULT_PLUGIN_DIR "/usr/lib/postamt/plugins"
#endif

namespace postamt::config {
namespace {

// The brute-force defence (pop3::LoginThrottle); see core/etc/postamtd.conf.
pop3::ThrottleSettings loginThrottle(const Poco::Util::AbstractConfiguration& c) {
  pop3::ThrottleSettings t;
  t.firstDelay = std::chrono::milliseconds(atLeastZero(c, "pop3.auth_failure_delay_ms", int(t.firstDelay.count())));
  t.maxDelay = std::chrono::milliseconds(atLeastZero(c, "pop3.auth_failure_delay_max_ms", int(t.maxDelay.count())));
  if (t.maxDelay < t.firstDelay) throw ConfigError("pop3.auth_failure_delay_max_ms is below pop3.auth_failure_delay_ms");
  t.window = std::chrono::seconds(positive(c, "pop3.auth_failure_window_seconds", int(t.window.count())));
  t.maxFailuresPerAddress = atLeastZero(c, "pop3.auth_max_failures_per_ip", t.maxFailuresPerAddress);
  t.maxFailuresPerUser = atLeastZero(c, "pop3.auth_max_failures_per_user", t.maxFailuresPerUser);
  t.rememberedCredentials =
      static_cast<std::size_t>(atLeastZero(c, "pop3.auth_failure_repeats_remembered", int(t.rememberedCredentials)));
  t.capacity = static_cast<std::size_t>(positive(c, "pop3.auth_failure_table_size", int(t.capacity)));
  return t;
}

net::Protocol protocol(const std::string& key, const std::string& name) {
  if (name == "pop3") return net::Protocol::Pop3;
  if (name == "lmtp") return net::Protocol::Lmtp;
  throw ConfigError(key + ": '" + name + "' is not a protocol this build serves (pop3, lmtp)");
}

// listener.<name>.tls = implicit, starttls or none; a POP3 listener offers STLS by default once there is a certificate.
net::Tls tls(const Poco::Util::AbstractConfiguration& c, const std::string& prefix, net::Protocol protocol,
             bool haveCertificate) {
  const std::string key = prefix + ".tls";
  const std::string value = c.getString(key, protocol == net::Protocol::Pop3 && haveCertificate ? "starttls" : "none");
  if (value == "none") return net::Tls::None;
  if (value != "implicit" && value != "starttls") throw ConfigError(key + ": '" + value + "' is not implicit, starttls or none");
  if (protocol != net::Protocol::Pop3) throw ConfigError(key + ": TLS is served on POP3 listeners only");
  if (!haveCertificate) throw ConfigError(key + " = " + value + " needs tls.certificate_file and tls.key_file");
  return value == "implicit" ? net::Tls::Implicit : net::Tls::StartTls;
}

// "SCRAM-SHA-256 plain, LOGIN" -> {"SCRAM-SHA-256", "PLAIN", "LOGIN"}; a name this build does not implement is an
// error now rather than a mechanism that silently never appears, and so is a list that names none.
std::vector<std::string> saslMechanisms(const std::string& value) {
  const auto known = sasl::allMechanisms();
  std::vector<std::string> names;
  Poco::StringTokenizer tokens(value, " ,", Poco::StringTokenizer::TOK_IGNORE_EMPTY | Poco::StringTokenizer::TOK_TRIM);
  for (const std::string& token : tokens) {
    const std::string name = Poco::toUpper(token);
    if (std::none_of(known.begin(), known.end(), [&](const auto& mechanism) { return mechanism.name == name; }))
      throw ConfigError("pop3.sasl_mechanisms: unknown mechanism " + name);
    names.push_back(name);
  }
  if (names.empty()) throw ConfigError("pop3.sasl_mechanisms names no mechanism");
  return names;
}

// listener.<name>.address = host:port, or listener.<name>.path = a unix socket (as Postfix's lmtp:unix: uses).
std::vector<net::ListenerSettings> listeners(const Poco::Util::AbstractConfiguration& c, bool haveCertificate) {
  std::vector<net::ListenerSettings> out;
  Poco::Util::AbstractConfiguration::Keys names;
  c.keys("listener", names);
  for (const auto& name : names) {
    const std::string prefix = "listener." + name;
    net::ListenerSettings listener;
    listener.name = name;
    listener.protocol = protocol(prefix + ".protocol", c.getString(prefix + ".protocol", "pop3"));
    const std::string address = c.getString(prefix + ".address", "");
    const std::string path = c.getString(prefix + ".path", "");
    if (address.empty() == path.empty()) throw ConfigError(prefix + ": give either .address (host:port) or .path (unix socket)");
    try {
      listener.address = path.empty() ? Poco::Net::SocketAddress(address)
                                      : Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, path);
    } catch (const Poco::Exception& e) {
      throw ConfigError(prefix + ".address: '" + address + "' is not host:port (" + e.displayText() + ")");
    }
    listener.unixSocketMode = static_cast<int>(std::stoul(c.getString(prefix + ".mode", "0660"), nullptr, 8));
    listener.tls = tls(c, prefix, listener.protocol, haveCertificate);
    listener.proxy = proxyProtocol(c, prefix);
    out.push_back(listener);
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
    config.log = readLogSettings(c);
    config.passwordCacheSize = static_cast<std::size_t>(c.getUInt64("password_cache.size", config.passwordCacheSize));
    config.passwordCacheTtl = std::chrono::seconds(positive(c, "password_cache.ttl_seconds", int(config.passwordCacheTtl.count())));
    config.slowHashConcurrency = static_cast<std::size_t>(atLeastZero(c, "password_hash.concurrency", 0));
    config.eventQueueSize = static_cast<std::size_t>(positive(c, "server.event_queue_size", int(config.eventQueueSize)));
    config.metricsAddress = c.getString("metrics.address", config.metricsAddress);

    config.tlsCertificate = {c.getString("tls.certificate_file", ""), c.getString("tls.key_file", "")};
    if (config.tlsCertificate.certificate.empty() != config.tlsCertificate.key.empty()) {
      throw ConfigError("tls.certificate_file and tls.key_file come together");
    }
    config.tlsCipherList = c.getString("tls.cipher_list", config.tlsCipherList);

    auto& server = config.server;
    server.listeners = listeners(c, !config.tlsCertificate.certificate.empty());
    server.maxConnections = positive(c, "server.max_connections", server.maxConnections);
    server.maxQueued = positive(c, "server.max_queued", server.maxQueued);
    server.threadStackKiB = positive(c, "server.thread_stack_kib", server.threadStackKiB);
    server.limits = connectionLimits(c);
    config.drainTimeout = std::chrono::seconds(positive(c, "server.drain_timeout", int(config.drainTimeout.count())));

    auto& pop3 = server.pop3;
    pop3.greetingHost = c.getString("server.hostname", pop3.greetingHost);
    pop3.loginTimeout = std::chrono::seconds(positive(c, "pop3.login_timeout_seconds", int(pop3.loginTimeout.count())));
    pop3.idleTimeout = std::chrono::seconds(positive(c, "pop3.idle_timeout_seconds", int(pop3.idleTimeout.count())));
    pop3.maxBadCommands = positive(c, "pop3.max_bad_commands", pop3.maxBadCommands);
    try {
      server.trustedNetworks = net::TrustedNetworks::parse(c.getString("pop3.trusted_networks", net::kLoopbackNetworks));
    } catch (const std::invalid_argument& e) {
      throw ConfigError(std::string("pop3.trusted_networks: ") + e.what());
    }
    server.loginThrottle = loginThrottle(c);
    pop3.apop = c.getBool("pop3.apop", pop3.apop);
    if (c.has("pop3.sasl_mechanisms")) pop3.saslMechanisms = saslMechanisms(c.getString("pop3.sasl_mechanisms"));
    if (pop3.idleTimeout < std::chrono::minutes(10)) {
      Poco::Logger::get("config").warning(
          "pop3.idle_timeout_seconds is below the 10 minutes RFC 1939 section 3 requires; clients may lose sessions");
    }
    if (pop3.greetingHost.find_first_of("\r\n ") != std::string::npos) throw ConfigError("server.hostname must be one word");

    auto& lmtp = server.lmtp;
    lmtp.hostname = pop3.greetingHost;
    lmtp.maxMessageSize = static_cast<std::uint64_t>(c.getUInt64("lmtp.max_message_size", lmtp.maxMessageSize));
    if (lmtp.maxMessageSize == 0) throw ConfigError("lmtp.max_message_size must be positive");
    lmtp.maxRecipients = static_cast<std::size_t>(positive(c, "lmtp.max_recipients", int(lmtp.maxRecipients)));
    lmtp.idleTimeout = std::chrono::seconds(positive(c, "lmtp.idle_timeout_seconds", int(lmtp.idleTimeout.count())));
    lmtp.maxBadCommands = positive(c, "lmtp.max_bad_commands", lmtp.maxBadCommands);
  } catch (const Poco::SyntaxException& e) {
    throw ConfigError(path + ": " + e.displayText());
  }
  return config;
}

}  // namespace postamt::config
