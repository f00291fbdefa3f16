#pragma once

#include <cstdint>
#include <optional>

#include "lmtp/DeliveryAgent.h"
#include "policy/QuotaRule.h"
#include "policy/TenantPolicies.h"
#include "tenant/MailboxResolver.h"

namespace postamt::delivery {

// What a tenant's policy says about one recipient of a delivery: its
// `deliver` and `quota` hooks, at RCPT with the SIZE the sender declared and
// again at DATA with the real size. Mail is never dropped: a recipient is
// refused with a reply, or stored (tagged, if the policy says so). Thread-safe.
class RecipientPolicy {
 public:
  explicit RecipientPolicy(policy::TenantPolicies& policies);

  struct Verdict {
    std::optional<lmtp::Reply> refusal;  // none: the recipient may have the message
    std::string tag;                     // the deliver hook's tag for this recipient's copy; empty: none
  };
  Verdict atRecipient(const tenant::ResolvedMailbox& target, std::optional<std::uint64_t> size);
  Verdict atData(const tenant::ResolvedMailbox& target, std::uint64_t size) { return atRecipient(target, size); }

  // A user's (or, without `user`, the whole tenant's) use against the limits its quota hook sets.
  struct QuotaStanding {
    policy::Ruling<policy::QuotaRule> ruling;
    // Counted only where a limit needs them: a tenant-wide sum is the dearer query.
    std::optional<plugin::StoreInstance::Usage> user;
    std::optional<plugin::StoreInstance::Usage> tenant;
  };
  QuotaStanding quota(const tenant::Tenant& tenant, plugin::StoreInstance& store, const tenant::Mailbox* user,
                      std::optional<std::uint64_t> size);

 private:
  std::optional<lmtp::Reply> overQuota(const tenant::ResolvedMailbox& target, std::optional<std::uint64_t> size);

  policy::TenantPolicies& policies_;
};

}  // namespace postamt::delivery
