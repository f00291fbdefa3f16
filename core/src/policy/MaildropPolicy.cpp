#include "policy/MaildropPolicy.h"

namespace postamt::policy {

std::optional<postamt_maildrop_rules> MaildropPolicy::rules() const {
  if (retention.olderThanDays == 0 && keep.keepDeletedDays == 0 && keep.keepRetrievedDays == 0) return std::nullopt;
  return postamt_maildrop_rules{
      sizeof(postamt_maildrop_rules), retention.olderThanDays, static_cast<std::uint64_t>(retention.largerThan),
      keep.keepDeletedDays,           keep.keepRetrievedDays,  retention.retrievedOnly ? 1 : 0};
}

MaildropPolicy maildropPolicy(TenantPolicies& policies, const tenant::Tenant& tenant, const std::string& address) {
  const sdk::PolicyValues user{{"user", address}, {"tenant", tenant.name}};
  const auto retention = policies.decide<RetentionRule>(tenant, "retention", user);
  const auto keep = policies.decide<KeepOnServerRule>(tenant, "keep_on_server", user);
  return {retention.kind == Ruling<RetentionRule>::Kind::Refused || keep.kind == Ruling<KeepOnServerRule>::Kind::Refused,
          retention.rule, keep.rule};
}

}  // namespace postamt::policy
