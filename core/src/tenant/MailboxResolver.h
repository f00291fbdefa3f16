#pragma once

#include <optional>
#include <string>

#include "plugin/PluginInstances.h"
#include "tenant/Directory.h"
#include "tenant/DomainCache.h"
#include "tenant/Mailbox.h"

namespace postamt::tenant {

// What an address resolves to: its tenant and the plugin instances that
// tenant uses. The instances outlive it.
struct ResolvedMailbox {
  Tenant tenant;
  Mailbox mailbox;
  plugin::AuthInstance& auth;
  plugin::StoreInstance& store;
};

// Turns a login or recipient name into a ResolvedMailbox: domain → tenant
// (directory) → instances (config). Shared by POP3 login, delivery and
// postamtctl so they can never disagree about whose mailbox a name is.
class MailboxResolver {
 public:
  MailboxResolver(Directory& directory, plugin::PluginInstances& instances, std::string defaultDomain);

  enum class Failure { BadAddress, UnknownDomain, MissingInstance };
  struct Result {
    std::optional<ResolvedMailbox> mailbox;
    Failure failure = Failure::BadAddress;
    std::string error;  // for logs and postamtctl
  };
  // Throws DirectoryError(Unavailable) when the directory cannot be read.
  Result resolve(const std::string& name);
  Directory& directory() { return directory_; }

 private:
  std::optional<Tenant> tenantForDomain(const std::string& domain);

  Directory& directory_;
  plugin::PluginInstances& instances_;
  std::string defaultDomain_;
  DomainCache domains_{std::chrono::seconds(1), 10000};
};

}  // namespace postamt::tenant
