#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "plugin/PolicyInstance.h"

namespace postamt::policy {

class DryRunFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Runs every hook the host knows once with sample arguments, as `postamtctl policy set` does
// before storing a script, and reads each decision as the hook would. Returns the hooks the script
// defines; throws DryRunFailed with the first failure (a compile error with
// its line, an error the script raises, a malformed decision).
// The hooks the host asks: login, retention, keep_on_server, quota, deliver.
std::vector<std::string> knownHooks();

std::vector<std::string> dryRun(plugin::PolicyInstance& instance, const plugin::PolicyInstance::Script& script);

}  // namespace postamt::policy
