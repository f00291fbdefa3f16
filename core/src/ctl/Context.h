#pragma once

#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/DaemonConfig.h"
#include "plugin/PluginHost.h"
#include "plugin/PluginInstances.h"
#include "policy/TenantPolicies.h"
#include "tenant/DeviceDirectory.h"
#include "tenant/Directory.h"
#include "tenant/MailboxResolver.h"
#include "tenant/PolicyDirectory.h"

namespace postamt::ctl {

// A command's failure: printed as "postamtctl: <text>", exit status 1.
class CommandError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A bad command line: printed with the usage, exit status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a postamtctl command works with. Plugins are loaded only when a
// command needs them, so `db init` works before any plugin can open the database.
class Context {
 public:
  Context(const std::string& configPath, std::istream& in, std::ostream& out);

  const config::DaemonConfig& config() const { return config_; }
  tenant::Directory& directory();
  plugin::PluginInstances& instances();
  tenant::MailboxResolver& resolver();
  policy::TenantPolicies& policies();
  tenant::DeviceDirectory& devices();
  tenant::ResolvedMailbox resolve(const std::string& address);  // throws CommandError
  std::istream& in;
  std::ostream& out;

 private:
  config::DaemonConfig config_;
  std::unique_ptr<tenant::Directory> directory_;
  std::unique_ptr<plugin::PluginHost> host_;
  std::unique_ptr<plugin::PluginInstances> instances_;
  std::unique_ptr<tenant::MailboxResolver> resolver_;
  std::unique_ptr<tenant::PolicyDirectory> policyDirectory_;
  std::unique_ptr<policy::TenantPolicies> policies_;
  std::unique_ptr<tenant::DeviceDirectory> devices_;
};

using Arguments = std::vector<std::string>;

// Runs `postamtctl <arguments>`; throws CommandError or UsageError.
void runCommand(Context& context, const Arguments& arguments);
const char* usageText();

}  // namespace postamt::ctl
