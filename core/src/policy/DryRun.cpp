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

std::vector<HookAnswer> askEveryHook(plugin::PolicyInstance& instance, const plugin::PolicyInstance::Script& script,
                                     const Facts& facts) {
  std::vector<HookAnswer> answers;
  for (const auto& hook : hooks()) {
    sdk::PolicyValues arguments = hook.arguments;
    arguments["tenant"] = script.tenant;
    for (const auto& [name, value] : facts) {
      if (hook.arguments.count(name) == 0) continue;
      if (value) {
        arguments[name] = *value;
      } else {
        arguments.erase(name);
      }
    }
    HookAnswer answer{hook.name, instance.decide(script, hook.name, arguments), {}};
    if (answer.decision.status == POSTAMT_OK) {
      try {
        hook.read(answer.decision.values);
      } catch (const MalformedDecision& e) {
        answer.malformed = e.what();
      }
    }
    answers.push_back(std::move(answer));
  }
  return answers;
}

std::vector<std::string> dryRun(plugin::PolicyInstance& instance, const plugin::PolicyInstance::Script& script) {
  std::vector<std::string> defined;
  for (const auto& answer : askEveryHook(instance, script, {})) {
    if (answer.decision.status == POSTAMT_NOT_FOUND) continue;
    if (answer.decision.status != POSTAMT_OK) throw DryRunFailed(answer.decision.error);
    if (!answer.malformed.empty()) {
      throw DryRunFailed("hook '" + answer.hook + "' returned a malformed decision: " + answer.malformed);
    }
    defined.push_back(answer.hook);
  }
  return defined;
}

}  // namespace postamt::policy
