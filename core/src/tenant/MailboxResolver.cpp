#include "tenant/MailboxResolver.h"

namespace postamt::tenant {

MailboxResolver::MailboxResolver(Directory& directory, plugin::PluginInstances& instances, std::string defaultDomain)
    : directory_(directory), instances_(instances), defaultDomain_(std::move(defaultDomain)) {}

MailboxResolver::Result MailboxResolver::resolve(const std::string& name) {
  const auto address = Address::parse(name, defaultDomain_);
  if (!address) return {std::nullopt, Failure::BadAddress, "'" + name + "' is not a valid address (local@domain)"};
  const auto tenant = tenantForDomain(address->domain);
  if (!tenant) return {std::nullopt, Failure::UnknownDomain, "no tenant owns domain " + address->domain};
  plugin::AuthInstance* auth = instances_.auth(tenant->authInstance);
  plugin::StoreInstance* store = instances_.store(tenant->storeInstance);
  if (auth == nullptr || store == nullptr) {
    return {std::nullopt, Failure::MissingInstance,
            "tenant " + tenant->name + " uses " + (auth == nullptr ? tenant->authInstance : tenant->storeInstance) +
                ", which the config does not declare"};
  }
  return {ResolvedMailbox{*tenant, Mailbox(tenant->id, *address), *auth, *store}, Failure::BadAddress, {}};
}

std::optional<Tenant> MailboxResolver::tenantForDomain(const std::string& domain) {
  const auto now = DomainCache::Clock::now();
  if (auto remembered = domains_.find(domain, now)) return *remembered;
  auto tenant = directory_.tenantForDomain(domain);  // a directory that cannot answer throws: nothing is remembered
  domains_.remember(domain, tenant, now);
  return tenant;
}

}  // namespace postamt::tenant
