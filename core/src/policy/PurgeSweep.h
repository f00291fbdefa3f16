#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

#include "plugin/PluginInstances.h"
#include "policy/DeviceTracking.h"
#include "policy/TenantPolicies.h"
#include "tenant/Directory.h"

namespace postamt::policy {

// The background purge: opens the maildrops of the tenants that have a
// policy under their rules (MaildropPolicy), a batch at a time, so expired
// and grace-ended messages go for users who never log in too; in tenants
// that track devices, it expunges what no device holds any more
// (DeviceMaildrop.h). Opening takes
// the maildrop lock (RFC 1939 section 8): a maildrop a session holds is
// skipped until the next round, and several frontends may sweep at once.
// Used by one thread.
class PurgeSweep {
 public:
  PurgeSweep(tenant::Directory& directory, plugin::PluginInstances& instances, TenantPolicies& policies, DeviceTracking& devices,
             std::string lockHolder, std::size_t batch);

  // Visits the next `batch` maildrops, starting a new round over the
  // directory when the last one is done; returns how many it purged under rules.
  std::size_t step();

 private:
  struct Visit {
    tenant::Tenant tenant;
    std::string address;
  };
  void startRound();
  bool purge(const Visit& visit);

  tenant::Directory& directory_;
  plugin::PluginInstances& instances_;
  TenantPolicies& policies_;
  DeviceTracking& devices_;
  std::string lockHolder_;
  std::size_t batch_;
  std::deque<Visit> pending_;
};

}  // namespace postamt::policy
