#pragma once

#include <Poco/AutoPtr.h>
#include <Poco/Util/AbstractConfiguration.h>

#include <memory>
#include <mutex>
#include <string>

#include "delivery/TenantDelivery.h"
#include "plugin/PluginHost.h"
#include "plugin/PluginInstances.h"
#include "policy/DeviceTracking.h"
#include "policy/PurgeSweep.h"
#include "policy/TenantPolicies.h"
#include "tenant/Directory.h"
#include "tenant/MailboxResolver.h"
#include "tenant/PolicyDirectory.h"
#include "tenant/TenantLogin.h"

namespace postamt::tenant {

// What sessions are served by, built from one reading of the config: the plugin instances it declares with their
// settings, and the resolver, policies, login, delivery and purge over them. postamtd builds one at start and another
// on each SIGHUP that changes an instance's settings; a logged-in session holds the generation its maildrop came
// from (CurrentGeneration.h), so the last session using an old generation is what ends it.
struct ServiceGeneration {
  struct Sources {
    plugin::PluginHost& host;
    Directory& directory;
    PolicyDirectory& policyDirectory;
    policy::DeviceTracking& devices;
    std::string defaultDomain;
    std::string lockOwner;
    std::size_t purgeBatch;
  };

  // Throws what creating an instance throws (plugin::PluginError); nothing is left half-built.
  ServiceGeneration(Poco::AutoPtr<Poco::Util::AbstractConfiguration> config, const Sources& sources);

  const Poco::AutoPtr<Poco::Util::AbstractConfiguration> config;  // the instances' settings, kept as long as they are
  plugin::PluginInstances instances;
  MailboxResolver resolver;
  policy::TenantPolicies policies;
  TenantLogin login;
  delivery::TenantDelivery delivery;
  policy::PurgeSweep sweep;  // used by postamtd's main thread only
};

// The generation sessions that begin now get. Thread-safe.
class Generations {
 public:
  explicit Generations(std::shared_ptr<ServiceGeneration> first) : current_(std::move(first)) {}

  std::shared_ptr<ServiceGeneration> current() const {
    std::lock_guard lock(mutex_);
    return current_;
  }
  // The previous generation lives on while a session holds it.
  void replace(std::shared_ptr<ServiceGeneration> next) {
    std::lock_guard lock(mutex_);
    current_ = std::move(next);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<ServiceGeneration> current_;
};

}  // namespace postamt::tenant
