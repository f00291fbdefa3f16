// postamtd: the Postamt POP3 server. Loads the config and plugins, serves, reloads on SIGHUP, and on SIGTERM/SIGINT
// drains: stops accepting, lets sessions finish for a while, then closes the rest without applying their deletions.
#include <Poco/ErrorHandler.h>
#include <Poco/Logger.h>
#include <Poco/Net/DNS.h>
#include <Poco/Net/SSLManager.h>

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "auth/ConcurrencyGate.h"
#include "auth/VerifiedPasswords.h"
#include "config/ConfigChanges.h"
#include "config/ConfigFile.h"
#include "config/DaemonConfig.h"
#include "config/LogFields.h"
#include "config/Logging.h"
#include "events/EventBus.h"
#include "metrics/MetricsServer.h"
#include "metrics/Registry.h"
#include "metrics/SessionMetrics.h"
#include "net/Server.h"
#include "policy/DeviceTracking.h"
#include "tenant/CurrentGeneration.h"
#include "tenant/DeviceDirectory.h"
#include "tenant/Directory.h"
#include "tenant/ServiceGeneration.h"

namespace {

// Exceptions escaping a pool thread are otherwise swallowed in silence (TOOLCHAIN pitfall 4).
class LoggingErrorHandler : public Poco::ErrorHandler {
 public:
  void exception(const Poco::Exception& e) override { log().error("unhandled: %s", e.displayText()); }
  void exception(const std::exception& e) override { log().error("unhandled: %s", std::string(e.what())); }
  void exception() override { log().error("unhandled unknown exception"); }

 private:
  static Poco::Logger& log() { return Poco::Logger::get("postamtd"); }
};

// Each session holds a socket; thousands of them need more than the default 1024 descriptors.
void raiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// The default certificate and every tenant's, read afresh: at start and on SIGHUP. A failure leaves what is served.
void loadCertificates(postamt::net::CertificateStore& certificates, postamt::tenant::Directory& directory, Poco::Logger& log) {
  try {
    const auto tenants = directory.certificates();
    certificates.load(tenants, directory.domainOwners());
    log.information("TLS certificates loaded: the default and %z tenant(s)", tenants.size());
  } catch (const std::exception& e) {
    log.error("TLS certificates not reloaded, the previous ones stay: %s", std::string(e.what()));
  }
}

// OpenSSL's library state lives from before the first context until after the last is gone (TOOLCHAIN section 3).
struct OpenSsl {
  OpenSsl() { Poco::Net::initializeSSL(); }
  ~OpenSsl() { Poco::Net::uninitializeSSL(); }
};

// What a SIGHUP changes besides logging.
struct Reloadable {
  postamt::net::Server& server;
  postamt::tenant::Generations& generations;
  const postamt::tenant::ServiceGeneration::Sources& sources;
};

// SIGHUP: the config file read again. What only sessions yet to begin use (logging, POP3 and LMTP settings, trusted
// networks, the drain timeout, plugin instances' settings) changes now; running sessions keep what they began with.
// Any other change is named as needing a restart and left as it runs. A file that does not load, or whose instances
// cannot be created, changes nothing.
void reload(const std::string& path, const postamt::config::DaemonConfig& started, const Reloadable& running,
            std::chrono::seconds& drainTimeout, Poco::Logger& log) {
  using postamt::config::logFields;
  try {
    const auto next = postamt::config::loadDaemonConfig(path);
    bool pluginsChanged = false;
    for (const auto& key : postamt::config::changedKeys(*started.raw, *next.raw)) {
      if (postamt::config::appliesOnReload(key)) continue;
      logFields(log, Poco::Message::PRIO_WARNING, "config change needs restart", {{"key", key}});
      pluginsChanged = pluginsChanged || key.ends_with(".plugin") || key == "plugins.directory";
    }
    const auto settingsNow = postamt::config::changedKeys(*running.generations.current()->config, *next.raw);
    std::shared_ptr<postamt::tenant::ServiceGeneration> instances;
    if (std::any_of(settingsNow.begin(), settingsNow.end(), postamt::config::isInstanceSetting)) {
      // New instances with a plugin set other than the running one would load plugins mid-run; that waits too.
      if (pluginsChanged) {
        log.warning("plugin instances keep their settings until the restart their plugin change needs");
      } else {
        instances = std::make_shared<postamt::tenant::ServiceGeneration>(next.raw, running.sources);
      }
    }
    postamt::config::setUpLogging(next.log);
    running.server.reconfigure(next.server);
    drainTimeout = next.drainTimeout;
    if (instances) {
      running.generations.replace(std::move(instances));
      log.information("plugin instances rebuilt: new sessions use the new settings, running ones keep theirs");
    }
    logFields(log, Poco::Message::PRIO_INFORMATION, "config reloaded", {{"file", path}});
  } catch (const std::exception& e) {
    logFields(log, Poco::Message::PRIO_ERROR, "config not reloaded, the running one stays",
              {{"file", path}, {"reason", e.what()}});
  }
}

// SIGTERM or SIGINT: nothing new is accepted, and open sessions may finish (a QUIT still commits) for up to the drain
// timeout; the caller then closes the rest without applying their deletions. Another stop signal ends the wait.
void drain(postamt::net::Server& server, const sigset_t& signals, std::chrono::seconds timeout, Poco::Logger& log) {
  server.stopAccepting();
  postamt::config::logFields(log, Poco::Message::PRIO_INFORMATION, "draining",
                             {{"sessions", std::to_string(server.openSessions())}, {"timeout_s", std::to_string(timeout.count())}});
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (server.openSessions() > 0 && std::chrono::steady_clock::now() < deadline) {
    const timespec tick{0, 100'000'000};
    const int received = sigtimedwait(&signals, nullptr, &tick);
    if (received == SIGTERM || received == SIGINT) {
      log.information("second stop signal: closing the open sessions now");
      return;
    }
  }
}

int usage() {
  std::cerr << "usage: postamtd [--config FILE]\n"
               "  Serves POP3 as the config file says (default /etc/postamt/postamtd.conf).\n";
  return 2;
}

// /metrics: what the sessions did, and how the event subscribers keep up.
// /healthz: a lookup in the directory database, which every login needs.
std::unique_ptr<postamt::metrics::MetricsServer> startMetrics(const std::string& address, postamt::metrics::Registry& registry,
                                                              postamt::events::EventBus& events,
                                                              postamt::tenant::Directory& directory) {
  registry.declareGauge("postamt_events_dropped", "Events a subscriber lost because it fell behind.", {"subscriber"});
  postamt::metrics::MetricsServer::Handlers handlers{
      [&registry, &events] {
        for (const auto& stats : events.stats())
          registry.set("postamt_events_dropped", {stats.subscriber}, static_cast<double>(stats.dropped));
        return registry.render();
      },
      [&directory] { directory.tenantForDomain("healthz.invalid"); }};  // RFC 2606: a name that never exists
  return std::make_unique<postamt::metrics::MetricsServer>(Poco::Net::SocketAddress(address), std::move(handlers));
}

}  // namespace

int main(int argc, char** argv) {
  std::string configPath = "/etc/postamt/postamtd.conf";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--config" || arg == "-c") && i + 1 < argc) {
      configPath = argv[++i];
    } else {
      return usage();
    }
  }

  // Block the stop signals before any thread starts, so only sigwait below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  OpenSsl openSsl;
  try {
    const auto config = postamt::config::loadDaemonConfig(configPath);
    postamt::config::setUpLogging(config.log);
    Poco::Logger& log = Poco::Logger::get("postamtd");
    LoggingErrorHandler errorHandler;
    Poco::ErrorHandler::set(&errorHandler);
    raiseFileLimit();
    postamt::auth::verifiedPasswords().configure(config.passwordCacheSize, config.passwordCacheTtl);
    if (config.slowHashConcurrency > 0) postamt::auth::slowHashGate().configure(config.slowHashConcurrency);

    postamt::plugin::PluginHost host(config.pluginDirectory);
    postamt::tenant::Directory directory(config.directoryConnector, config.directoryConnect);
    postamt::tenant::PolicyDirectory policyDirectory(config.directoryConnector, config.directoryConnect);
    const std::string lockOwner = Poco::Net::DNS::hostName() + ":" + std::to_string(getpid());
    postamt::tenant::DeviceDirectory deviceDirectory(config.directoryConnector, config.directoryConnect);
    postamt::policy::DeviceTracking devices(deviceDirectory);
    // The background purge of policies' expired and grace-ended messages: a batch every interval; 0 turns it off.
    const int purgeEvery = config.raw->getInt("purge.interval_seconds", 60);
    const int purgeBatch = config.raw->getInt("purge.batch", 50);
    if (purgeEvery < 0 || purgeBatch < 1) throw std::invalid_argument("purge.interval_seconds must be 0 or more, purge.batch 1 or more");
    const postamt::tenant::ServiceGeneration::Sources sources{host, directory, policyDirectory, devices, config.defaultDomain,
                                                              lockOwner,
                                                              static_cast<std::size_t>(purgeBatch)};
    postamt::tenant::Generations generations(std::make_shared<postamt::tenant::ServiceGeneration>(config.raw, sources));
    postamt::tenant::CurrentLogin login(generations);
    postamt::tenant::CurrentDelivery delivery(generations);

    std::unique_ptr<postamt::net::CertificateStore> certificates;
    if (!config.tlsCertificate.certificate.empty()) {
      certificates = std::make_unique<postamt::net::CertificateStore>(config.tlsCertificate, config.tlsCipherList);
      loadCertificates(*certificates, directory, log);
    }

    // Every events instance hears every connection, and so do the metrics.
    postamt::events::EventBus events(config.eventQueueSize);
    for (const auto& subscriber : generations.current()->instances.events()) events.subscribe(subscriber);
    postamt::metrics::Registry registry;
    auto sessionMetrics = std::make_shared<postamt::metrics::SessionMetrics>(registry);
    std::unique_ptr<postamt::metrics::MetricsServer> metricsServer;
    if (!config.metricsAddress.empty()) {
      events.subscribe(sessionMetrics);
      metricsServer = startMetrics(config.metricsAddress, registry, events, directory);
      log.information("metrics: http://%s/metrics and /healthz", metricsServer->address().toString());
    }

    postamt::net::Server server(config.server, login, delivery, certificates.get(),
                                {&events, metricsServer ? sessionMetrics.get() : nullptr});
    server.start();
    for (const auto& listener : server.describeListeners()) log.information("listening: %s", listener);

    std::chrono::seconds drainTimeout = config.drainTimeout;
    auto nextPurge = std::chrono::steady_clock::now() + std::chrono::seconds(purgeEvery);
    for (;;) {
      // Wake now and then to release threads left idle by a load spike, and to purge.
      const timespec wakeEvery{purgeEvery > 0 ? std::min(30, purgeEvery) : 30, 0};
      const int received = sigtimedwait(&signals, nullptr, &wakeEvery);
      if (received == SIGTERM || received == SIGINT) break;
      if (received == SIGHUP) {
        reload(configPath, config, {server, generations, sources}, drainTimeout, log);
        // New handshakes get the new certificates; sessions keep theirs.
        if (certificates) loadCertificates(*certificates, directory, log);
      }
      server.collectIdleThreads();
      if (purgeEvery > 0 && std::chrono::steady_clock::now() >= nextPurge) {
        try {
          if (const auto purged = generations.current()->sweep.step(); purged > 0) log.debug("purge: %z maildrop(s) purged under their rules", purged);
        } catch (const std::exception& e) {
          log.warning("purge: %s; trying again later", std::string(e.what()));
        }
        nextPurge = std::chrono::steady_clock::now() + std::chrono::seconds(purgeEvery);
      }
    }
    drain(server, signals, drainTimeout, log);
    log.information("stopping: open sessions end without applying their deletions");
    server.stop();
    metricsServer.reset();
    events.stop();
    for (const auto& stats : events.stats()) {
      if (stats.dropped != 0) log.warning("%s fell behind: %Lu events dropped", stats.subscriber, stats.dropped);
    }
    log.information("stopped");
    return 0;
  } catch (const Poco::Exception& e) {
    std::cerr << "postamtd: " << e.displayText() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "postamtd: " << e.what() << "\n";
    return 1;
  }
}
