// postamtd: the Postamt POP3 server. Loads the config and plugins, serves
// until SIGTERM/SIGINT, then stops without applying open sessions' deletions.
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
#include "config/ConfigFile.h"
#include "config/DaemonConfig.h"
#include "config/Logging.h"
#include "delivery/TenantDelivery.h"
#include "events/EventBus.h"
#include "metrics/MetricsServer.h"
#include "metrics/Registry.h"
#include "metrics/SessionMetrics.h"
#include "net/Server.h"
#include "plugin/PluginHost.h"
#include "plugin/PluginInstances.h"
#include "policy/PurgeSweep.h"
#include "policy/TenantPolicies.h"
#include "tenant/Directory.h"
#include "tenant/MailboxResolver.h"
#include "tenant/PolicyDirectory.h"
#include "tenant/TenantLogin.h"

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
    certificates.load(tenants);
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
    postamt::config::setUpLogging(config.logLevel);
    Poco::Logger& log = Poco::Logger::get("postamtd");
    LoggingErrorHandler errorHandler;
    Poco::ErrorHandler::set(&errorHandler);
    raiseFileLimit();
    postamt::auth::verifiedPasswords().configure(config.passwordCacheSize, config.passwordCacheTtl);
    if (config.slowHashConcurrency > 0) postamt::auth::slowHashGate().configure(config.slowHashConcurrency);

    postamt::plugin::PluginHost host(config.pluginDirectory);
    postamt::plugin::PluginInstances instances(*config.raw, host);
    postamt::tenant::Directory directory(config.directoryConnector, config.directoryConnect);
    postamt::tenant::MailboxResolver resolver(directory, instances, config.defaultDomain);
    postamt::tenant::PolicyDirectory policyDirectory(config.directoryConnector, config.directoryConnect);
    postamt::policy::TenantPolicies policies(policyDirectory, instances);
    const std::string lockOwner = Poco::Net::DNS::hostName() + ":" + std::to_string(getpid());
    postamt::tenant::TenantLogin login(resolver, policies, lockOwner);
    // The background purge of policies' expired and grace-ended messages: a batch every interval; 0 turns it off.
    const int purgeEvery = config.raw->getInt("purge.interval_seconds", 60);
    const int purgeBatch = config.raw->getInt("purge.batch", 50);
    if (purgeEvery < 0 || purgeBatch < 1) throw std::invalid_argument("purge.interval_seconds must be 0 or more, purge.batch 1 or more");
    postamt::policy::PurgeSweep sweep(directory, instances, policies, lockOwner + ":purge", static_cast<std::size_t>(purgeBatch));

    postamt::delivery::TenantDelivery delivery(resolver, policies);

    std::unique_ptr<postamt::net::CertificateStore> certificates;
    if (!config.tlsCertificate.certificate.empty()) {
      certificates = std::make_unique<postamt::net::CertificateStore>(config.tlsCertificate, config.tlsCipherList);
      loadCertificates(*certificates, directory, log);
    }

    // Every events instance hears every connection, and so do the metrics.
    postamt::events::EventBus events(config.eventQueueSize);
    for (const auto& subscriber : instances.events()) events.subscribe(subscriber);
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

    auto nextPurge = std::chrono::steady_clock::now() + std::chrono::seconds(purgeEvery);
    for (;;) {
      // Wake now and then to release threads left idle by a load spike, and to purge.
      const timespec wakeEvery{purgeEvery > 0 ? std::min(30, purgeEvery) : 30, 0};
      const int received = sigtimedwait(&signals, nullptr, &wakeEvery);
      if (received == SIGTERM || received == SIGINT) {
        log.information("stopping: open sessions end without applying their deletions");
        break;
      }
      if (received == SIGHUP) {
        // New handshakes get the new certificates; sessions keep theirs.
        log.information("SIGHUP: reloading TLS certificates; other config changes need a restart");
        if (certificates) loadCertificates(*certificates, directory, log);
      }
      server.collectIdleThreads();
      if (purgeEvery > 0 && std::chrono::steady_clock::now() >= nextPurge) {
        try {
          if (const auto purged = sweep.step(); purged > 0) log.debug("purge: %z maildrop(s) purged under their rules", purged);
        } catch (const std::exception& e) {
          log.warning("purge: %s; trying again later", std::string(e.what()));
        }
        nextPurge = std::chrono::steady_clock::now() + std::chrono::seconds(purgeEvery);
      }
    }
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
