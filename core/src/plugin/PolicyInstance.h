#pragma once

#include <postamt/abi.h>

#include <cstdint>
#include <postamt/sdk/Policy.hpp>
#include <string>

namespace postamt::plugin {

// A named policy instance ("policy.main") created from a policy plugin.
// Shared by all sessions; the plugin is thread-safe by contract (abi.h).
class PolicyInstance {
 public:
  PolicyInstance(std::string name, const postamt_policy_api& api, const postamt_settings& settings);  // throws PluginError
  ~PolicyInstance();
  PolicyInstance(const PolicyInstance&) = delete;
  PolicyInstance& operator=(const PolicyInstance&) = delete;

  struct Script {
    std::int64_t tenantId = 0;
    std::string tenant;
    std::int64_t version = 0;
    std::string text;
  };
  struct Decision {
    postamt_status status = POSTAMT_PERM_FAIL;  // POSTAMT_NOT_FOUND: the script has no such hook
    std::string error;                          // why the script failed, for the log
    sdk::PolicyValues values;
  };
  Decision decide(const Script& script, const std::string& hook, const sdk::PolicyValues& arguments);

  const std::string& name() const { return name_; }

 private:
  std::string name_;
  const postamt_policy_api& api_;
  void* instance_ = nullptr;
};

}  // namespace postamt::plugin
