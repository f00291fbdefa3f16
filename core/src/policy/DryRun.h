#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "plugin/PolicyInstance.h"

namespace postamt::policy {

class DryRunFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The hooks the host asks: login, retention, keep_on_server, quota, deliver.
std::vector<std::string> knownHooks();

// One hook's answer when every hook is asked in turn.
struct HookAnswer {
  std::string hook;
  plugin::PolicyInstance::Decision decision;  // POSTAMT_NOT_FOUND: the script has no such hook
  std::string malformed;                      // why the hook could not read the decision; empty: it could
};

// What a hook is told, over the sample arguments; a fact without a value
// removes that argument (a user who never logged in has no
// seconds_since_last_login). Only the facts a hook takes reach it.
using Facts = std::map<std::string, std::optional<sdk::PolicyValue>>;

// Asks every hook once, changing nothing, and reads each decision as the hook would.
std::vector<HookAnswer> askEveryHook(plugin::PolicyInstance& instance, const plugin::PolicyInstance::Script& script,
                                     const Facts& facts);

// What `postamtctl policy set` checks before storing a script: every hook
// asked with sample arguments. Returns the hooks the script defines; throws
// DryRunFailed with the first failure (a compile error with its line, an
// error the script raises, a malformed decision).
std::vector<std::string> dryRun(plugin::PolicyInstance& instance, const plugin::PolicyInstance::Script& script);

}  // namespace postamt::policy
