#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "plugin/PluginInstances.h"
#include "policy/Ruling.h"
#include "tenant/Directory.h"
#include "tenant/PolicyDirectory.h"

namespace postamt::policy {

// Asks tenants' policies at the hooks. Each tenant's script is cached and
// its version polled at most once a second, so a changed script reaches
// every frontend within about a second, for the next session. A script that
// fails makes that one call fall back to the tenant's mode for the hook
// ('open' unless `postamtctl policy fallback` said 'closed') and logs one
// line naming tenant and hook. Thread-safe.
class TenantPolicies {
 public:
  TenantPolicies(tenant::PolicyDirectory& directory, plugin::PluginInstances& instances);

  template <typename Rule>
  Ruling<Rule> decide(const tenant::Tenant& tenant, const std::string& hook, const sdk::PolicyValues& arguments) {
    Asked asked = ask(tenant, hook, arguments);
    if (asked.kind == Asked::Kind::NoDecision) return {};
    if (asked.kind == Asked::Kind::Decided) {
      try {
        return {Ruling<Rule>::Kind::Decided, Rule::parse(asked.values)};
      } catch (const MalformedDecision& e) {
        asked.failClosed = fallBack(tenant, hook, std::string("malformed decision: ") + e.what(), asked.failClosed);
      }
    }
    return {asked.failClosed ? Ruling<Rule>::Kind::Refused : Ruling<Rule>::Kind::Default, Rule{}};
  }

  // Whether any tenant has a policy (for what CAPA says before login); cached for a second.
  bool anyPolicy();

  tenant::PolicyDirectory& directory() { return directory_; }

 private:
  struct Loaded {
    plugin::PolicyInstance::Script script;
    plugin::PolicyInstance* instance = nullptr;  // null: the config does not declare it
    std::string instanceName;
    std::map<std::string, std::string> fallbacks;
  };
  struct Cached {
    std::chrono::steady_clock::time_point checkedAt;
    std::shared_ptr<const Loaded> loaded;  // null: no policy
  };
  struct Asked {
    enum class Kind { NoDecision, Decided, Failed } kind = Kind::NoDecision;
    sdk::PolicyValues values;
    bool failClosed = false;
  };

  Asked ask(const tenant::Tenant& tenant, const std::string& hook, const sdk::PolicyValues& arguments);
  std::shared_ptr<const Loaded> current(std::int64_t tenantId, const std::string& tenantName);
  // Logs the failure; returns whether the hook fails closed.
  bool fallBack(const tenant::Tenant& tenant, const std::string& hook, const std::string& reason, bool closed);

  tenant::PolicyDirectory& directory_;
  plugin::PluginInstances& instances_;
  std::mutex mutex_;
  std::map<std::int64_t, Cached> cache_;
  std::chrono::steady_clock::time_point anyCheckedAt_;
  bool any_ = false;
};

}  // namespace postamt::policy
