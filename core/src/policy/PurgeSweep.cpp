#include "policy/PurgeSweep.h"

#include <Poco/Logger.h>

#include <ctime>

#include "policy/DeviceMaildrop.h"
#include "policy/MaildropPolicy.h"

namespace postamt::policy {

PurgeSweep::PurgeSweep(tenant::Directory& directory, plugin::PluginInstances& instances, TenantPolicies& policies,
                       DeviceTracking& devices, std::string lockHolder, std::size_t batch)
    : directory_(directory),
      instances_(instances),
      policies_(policies),
      devices_(devices),
      lockHolder_(std::move(lockHolder)),
      batch_(batch) {}

std::size_t PurgeSweep::step() {
  if (pending_.empty()) startRound();
  std::size_t purged = 0;
  for (std::size_t i = 0; i < batch_ && !pending_.empty(); ++i) {
    const Visit visit = std::move(pending_.front());
    pending_.pop_front();
    if (purge(visit)) ++purged;
  }
  return purged;
}

// The users of every tenant with a policy or device tracking; another tenant has nothing to purge.
void PurgeSweep::startRound() {
  for (const auto& tenant : directory_.tenants()) {
    if (!policies_.directory().version(tenant.id) && !devices_.settings(tenant.id)) continue;
    plugin::AuthInstance* auth = instances_.auth(tenant.authInstance);
    if (auth == nullptr) continue;
    const auto listed = auth->listUsers(tenant.id, [&](const std::string& address, bool) {
      pending_.push_back({tenant, address});
    });
    if (listed.status != POSTAMT_OK)
      Poco::Logger::get("purge").warning("tenant %s: cannot list users: %s", tenant.name, listed.error);
  }
}

bool PurgeSweep::purge(const Visit& visit) {
  const auto address = tenant::Address::parse(visit.address, "");
  plugin::StoreInstance* store = instances_.store(visit.tenant.storeInstance);
  if (!address || store == nullptr) return false;
  const auto maildrop = maildropPolicy(policies_, visit.tenant, visit.address);
  if (maildrop.refused) return false;
  const auto rules = maildrop.rules();
  const auto tracking = devices_.settings(visit.tenant.id);
  const auto recorded = tracking ? devices_.directory().userDevices(visit.tenant.id, visit.address) : tenant::UserDevices{};
  if (!rules && recorded.deletions.empty()) return false;
  // Opening applies the rules under the lock; closing at once applies nothing else.
  const auto opened = store->open(tenant::Mailbox(visit.tenant.id, *address), lockHolder_, rules ? &*rules : nullptr);
  if (opened.status != POSTAMT_OK && opened.status != POSTAMT_IN_USE) {
    Poco::Logger::get("purge").warning("%s: %s", visit.address, opened.error);
  }
  if (opened.status != POSTAMT_OK) return false;
  if (!recorded.deletions.empty()) {
    try {
      // Read again under the lock: a device registered since the first read must keep what it has not seen.
      const auto current = devices_.directory().userDevices(visit.tenant.id, visit.address);
      releaseUnheld(*opened.maildrop, devices_.directory(), current, visit.tenant.id, visit.address, std::time(nullptr),
                    tracking->graceSeconds);
    } catch (const pop3::StoreError& e) {
      Poco::Logger::get("purge").warning("%s: cannot expunge what no device holds: %s", visit.address, std::string(e.what()));
    }
  }
  return true;
}

}  // namespace postamt::policy
