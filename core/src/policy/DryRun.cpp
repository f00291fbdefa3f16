#include "policy/DryRun.h"

#include <functional>

#include "policy/DeliverRule.h"
#include "policy/LoginRule.h"
#include "policy/MaildropRules.h"
#include "policy/QuotaRule.h"

namespace postamt::policy {

namespace {

// Every hook the host asks, with sample arguments. RFC 5737: 192.0.2.0/24 is for
// documentation; example.test (RFC 2606) is no one's domain.
struct Hook {
  const char* name;
  sdk::PolicyValues arguments;  // the tenant's name is added
  std::function<void(const sdk::PolicyValues&)> read;
};

const std::vector<Hook>& hooks() {
  static const std::string user = "dry-run@example.test";
  static const std::vector<Hook> table = {
      {"login",
       {{"user", user},
        {"remote_ip", std::string("192.0.2.1")},
        {"tls", false},
        {"seconds_since_last_login", std::int64_t{3600}}},
       [](const sdk::PolicyValues& v) { LoginRule::parse(v); }},
      {"retention", {{"user", user}}, [](const sdk::PolicyValues& v) { RetentionRule::parse(v); }},
      {"keep_on_server", {{"user", user}}, [](const sdk::PolicyValues& v) { KeepOnServerRule::parse(v); }},
      {"quota", {{"user", user}, {"size", std::int64_t{1000}}}, [](const sdk::PolicyValues& v) { QuotaRule::parse(v); }},
      {"deliver", {{"recipient", user}, {"size", std::int64_t{1000}}}, [](const sdk::PolicyValues& v) { DeliverRule::parse(v); }},
  };
  return table;
}

}  // namespace

std::vector<std::string> knownHooks() {
  std::vector<std::string> names;
  for (const auto& hook : hooks()) names.emplace_back(hook.name);
  return names;
}

std::vector<std::string> dryRun(plugin::PolicyInstance& instance, const plugin::PolicyInstance::Script& script) {
  std::vector<std::string> defined;
  for (const auto& hook : hooks()) {
    sdk::PolicyValues arguments = hook.arguments;
    arguments["tenant"] = script.tenant;
    const auto decision = instance.decide(script, hook.name, arguments);
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
