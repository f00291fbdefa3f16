#include "policy/TenantPolicies.h"

#include <Poco/Logger.h>

#include "config/LogFields.h"

namespace postamt::policy {
namespace {

// Issue 6: a changed script takes effect within 2 s; polling once a second leaves room for the poll itself.
constexpr std::chrono::seconds kPollEvery{1};

}  // namespace

TenantPolicies::TenantPolicies(tenant::PolicyDirectory& directory, plugin::PluginInstances& instances)
    : directory_(directory), instances_(instances) {}

bool TenantPolicies::anyPolicy() {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (anyCheckedAt_.time_since_epoch().count() != 0 && now - anyCheckedAt_ < kPollEvery) return any_;
  }
  const bool any = directory_.anyPolicy();
  std::lock_guard<std::mutex> lock(mutex_);
  any_ = any;
  anyCheckedAt_ = now;
  return any_;
}

std::shared_ptr<const TenantPolicies::Loaded> TenantPolicies::current(std::int64_t tenantId, const std::string& tenantName) {
  const auto now = std::chrono::steady_clock::now();
  std::shared_ptr<const Loaded> cached;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = cache_.find(tenantId);
    if (it != cache_.end()) {
      if (now - it->second.checkedAt < kPollEvery) return it->second.loaded;
      cached = it->second.loaded;
    }
  }
  // Outside the lock: two threads may both poll, which costs a query, never a wrong answer.
  const auto version = directory_.version(tenantId);
  std::shared_ptr<const Loaded> loaded;
  if (version && cached && cached->script.version == *version) {
    loaded = cached;
  } else if (version) {
    if (auto stored = directory_.policy(tenantId)) {
      auto fresh = std::make_shared<Loaded>();
      fresh->script = {tenantId, tenantName, stored->version, std::move(stored->script)};
      fresh->instanceName = stored->instance;
      fresh->instance = instances_.policy(stored->instance);
      fresh->fallbacks = std::move(stored->fallbacks);
      loaded = std::move(fresh);
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  cache_[tenantId] = {now, loaded};
  return loaded;
}

TenantPolicies::Asked TenantPolicies::ask(const tenant::Tenant& tenant, const std::string& hook,
                                          const sdk::PolicyValues& arguments) {
  Asked asked;
  const auto loaded = current(tenant.id, tenant.name);
  if (!loaded) return asked;
  const auto mode = loaded->fallbacks.find(hook);
  asked.failClosed = mode != loaded->fallbacks.end() && mode->second == "closed";
  if (loaded->instance == nullptr) {
    asked.kind = Asked::Kind::Failed;
    asked.failClosed = fallBack(
        tenant, hook, "its policy runs on " + loaded->instanceName + ", which the config does not declare", asked.failClosed);
    return asked;
  }
  auto decision = loaded->instance->decide(loaded->script, hook, arguments);
  switch (decision.status) {
    case POSTAMT_OK:
      asked.kind = Asked::Kind::Decided;
      asked.values = std::move(decision.values);
      return asked;
    case POSTAMT_NOT_FOUND:
      return asked;  // the script has no such hook: as if there were no policy
    default:
      asked.kind = Asked::Kind::Failed;
      asked.failClosed = fallBack(tenant, hook, decision.error, asked.failClosed);
      return asked;
  }
}

bool TenantPolicies::fallBack(const tenant::Tenant& tenant, const std::string& hook, const std::string& reason, bool closed) {
  // The script writes much of the reason (its error, a field it returned): one line, escaped, and not without end.
  constexpr std::size_t kMaxReason = 500;
  const std::string shown = reason.size() > kMaxReason ? reason.substr(0, kMaxReason) + "..." : reason;
  Poco::Logger::get("policy").warning("policy failed tenant=%s hook=%s: %s; failing %s", tenant.name, hook,
                                      config::fieldValue(shown), std::string(closed ? "closed" : "open"));
  return closed;
}

}  // namespace postamt::policy
