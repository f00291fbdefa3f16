// postamtd: the Postamt POP3 server. Loads the config and plugins, serves
// until SIGTERM/SIGINT, then stops without applying open sessions' deletions.
#include <Poco/ErrorHandler.h>
#include <Poco/Logger.h>
#include <Poco/Net/DNS.h>

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include "auth/VerifiedPasswords.h"
#include "config/ConfigFile.h"
#include "config/DaemonConfig.h"
#include "config/Logging.h"
#include "delivery/TenantDelivery.h"
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

int usage() {
  std::cerr << "usage: postamtd [--config FILE]\n"
               "  Serves POP3 as the config file says (default /etc/postamt/postamtd.conf).\n";
  return 2;
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

  try {
    const auto config = postamt::config::loadDaemonConfig(configPath);
    postamt::config::setUpLogging(config.logLevel);
    Poco::Logger& log = Poco::Logger::get("postamtd");
    LoggingErrorHandler errorHandler;
    Poco::ErrorHandler::set(&errorHandler);
    raiseFileLimit();
    postamt::auth::verifiedPasswords().configure(config.passwordCacheSize, config.passwordCacheTtl);

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

    postamt::net::Server server(config.server, login, delivery);
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
      if (received == SIGHUP) log.information("SIGHUP: live reload is not supported yet; restart to apply config changes");
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
