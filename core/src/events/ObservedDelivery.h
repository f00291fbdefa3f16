#pragma once

#include "events/EventBus.h"
#include "lmtp/DeliveryAgent.h"

namespace postamt::events {

// One LMTP connection's deliveries as events: a message delivered, per
// recipient, and a recipient refused for its quota (RFC 3463 X.2.2, "mailbox
// full", whichever policy said so).
class ObservedDelivery : public lmtp::DeliveryAgent {
 public:
  ObservedDelivery(lmtp::DeliveryAgent& inner, EventBus& bus, const Origin& origin);

  lmtp::Reply checkRecipient(const std::string& recipient, std::optional<std::uint64_t> declaredSize) override;
  std::vector<lmtp::Reply> deliver(const lmtp::Envelope& envelope, delivery::MessageSpool& message) override;

 private:
  void reportQuota(const std::string& recipient, const lmtp::Reply& reply);

  lmtp::DeliveryAgent& inner_;
  EventBus& bus_;
  const Origin& origin_;
};

}  // namespace postamt::events
