#include "ctl/Context.h"

namespace postamt::ctl {

Context::Context(const std::string& configPath, std::istream& input, std::ostream& output)
    : in(input), out(output), config_(config::loadDaemonConfig(configPath)) {}

tenant::Directory& Context::directory() {
  if (!directory_) directory_ = std::make_unique<tenant::Directory>(config_.directoryConnector, config_.directoryConnect);
  return *directory_;
}

plugin::PluginInstances& Context::instances() {
  if (!instances_) {
    host_ = std::make_unique<plugin::PluginHost>(config_.pluginDirectory);
    instances_ = std::make_unique<plugin::PluginInstances>(*config_.raw, *host_);
  }
  return *instances_;
}

tenant::MailboxResolver& Context::resolver() {
  if (!resolver_) resolver_ = std::make_unique<tenant::MailboxResolver>(directory(), instances(), config_.defaultDomain);
  return *resolver_;
}

policy::TenantPolicies& Context::policies() {
  if (!policies_) {
    policyDirectory_ = std::make_unique<tenant::PolicyDirectory>(config_.directoryConnector, config_.directoryConnect);
    policies_ = std::make_unique<policy::TenantPolicies>(*policyDirectory_, instances());
  }
  return *policies_;
}

tenant::DeviceDirectory& Context::devices() {
  if (!devices_) devices_ = std::make_unique<tenant::DeviceDirectory>(config_.directoryConnector, config_.directoryConnect);
  return *devices_;
}

tenant::ResolvedMailbox Context::resolve(const std::string& address) {
  auto result = resolver().resolve(address);
  if (!result.mailbox) throw CommandError(result.error);
  return std::move(*result.mailbox);
}

}  // namespace postamt::ctl
