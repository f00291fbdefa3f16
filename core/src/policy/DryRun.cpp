#include "policy/DryRun.h"

#include <functional>

#include "policy/DeliverRule.h"
#include "policy/LoginRule.h"
#include "policy/QuotaRule.h"

namespace postamt::policy {

std::vector<std::string> dryRun(plugin::PolicyInstance& instance, const plugin::PolicyInstance::Script& script) {
  // RFC 5737: 192.0.2.0/24 is for documentation; example.test (RFC 2606) is no one's domain.
  const std::string user = "dry-run@example.test";
  struct Hook {
    const char* name;
    sdk::PolicyValues arguments;
    std::function<void(const sdk::PolicyValues&)> read;
  };
  const std::vector<Hook> hooks = {
      {"login",
       {{"user", user}, {"tenant", script.tenant}, {"remote_ip", std::string("192.0.2.1")}, {"tls", false},
        {"seconds_since_last_login", std::int64_t{3600}}},
       [](const sdk::PolicyValues& v) { LoginRule::parse(v); }},
      {"quota", {{"user", user}, {"tenant", script.tenant}, {"size", std::int64_t{1000}}}, [](const sdk::PolicyValues& v) { QuotaRule::parse(v); }},
      {"deliver",
       {{"recipient", user}, {"tenant", script.tenant}, {"size", std::int64_t{1000}}},
       [](const sdk::PolicyValues& v) { DeliverRule::parse(v); }},
  };
  std::vector<std::string> defined;
  for (const auto& hook : hooks) {
    const auto decision = instance.decide(script, hook.name, hook.arguments);
    if (decision.status == POSTAMT_NOT_FOUND) continue;
    if (decision.status != POSTAMT_OK) throw DryRunFailed(decision.error);
    try {
      hook.read(decision.values);
    } catch (const MalformedDecision& e) {
      throw DryRunFailed(std::string("hook '") + hook.name + "' returned a malformed decision: " + e.what());
    }
    defined.emplace_back(hook.name);
  }
  return defined;
}

}  // namespace postamt::policy
