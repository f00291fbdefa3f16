#include "events/ObservedDelivery.h"

namespace postamt::events {

ObservedDelivery::ObservedDelivery(lmtp::DeliveryAgent& inner, EventBus& bus, const Origin& origin)
    : inner_(inner), bus_(bus), origin_(origin) {}

lmtp::Reply ObservedDelivery::checkRecipient(const std::string& recipient, std::optional<std::uint64_t> declaredSize) {
  lmtp::Reply reply = inner_.checkRecipient(recipient, declaredSize);
  reportQuota(recipient, reply);
  return reply;
}

std::vector<lmtp::Reply> ObservedDelivery::deliver(const lmtp::Envelope& envelope, delivery::MessageSpool& message) {
  std::vector<lmtp::Reply> replies = inner_.deliver(envelope, message);
  for (std::size_t i = 0; i < replies.size() && i < envelope.recipients.size(); ++i) {
    if (replies[i].code / 100 == 2) {
      Event delivered(POSTAMT_EVENT_MESSAGE_DELIVERED, origin_);
      delivered.user = envelope.recipients[i];
      delivered.octets = message.size();
      bus_.publish(delivered);
    }
    reportQuota(envelope.recipients[i], replies[i]);
  }
  return replies;
}

void ObservedDelivery::reportQuota(const std::string& recipient, const lmtp::Reply& reply) {
  if (reply.enhanced != "4.2.2" && reply.enhanced != "5.2.2") return;
  Event refused(POSTAMT_EVENT_QUOTA_REFUSED, origin_);
  refused.user = recipient;
  refused.detail = std::to_string(reply.code) + " " + reply.enhanced + " " + reply.text;
  bus_.publish(refused);
}

}  // namespace postamt::events
