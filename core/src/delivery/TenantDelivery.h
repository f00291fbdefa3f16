#pragma once

#include "delivery/RecipientPolicy.h"
#include "lmtp/DeliveryAgent.h"
#include "tenant/MailboxResolver.h"

namespace postamt::delivery {

// Delivery into a multi-tenant store: each recipient resolves to its tenant
// (domain → tenant → store instance), and the recipients that share a store
// instance and tenant get the message in one store call, so it may be stored
// once. The tenant's policy may refuse a recipient (RecipientPolicy). Thread-safe.
class TenantDelivery : public lmtp::DeliveryAgent {
 public:
  TenantDelivery(tenant::MailboxResolver& resolver, policy::TenantPolicies& policies);

  lmtp::Reply checkRecipient(const std::string& recipient, std::optional<std::uint64_t> declaredSize) override;
  std::vector<lmtp::Reply> deliver(const lmtp::Envelope& envelope, MessageSpool& message) override;

 private:
  tenant::MailboxResolver& resolver_;
  RecipientPolicy policy_;
};

}  // namespace postamt::delivery
