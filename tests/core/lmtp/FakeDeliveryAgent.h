#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "delivery/MessageSpool.h"
#include "lmtp/DeliveryAgent.h"

namespace postamt::lmtp::test {

// Reads a spooled message back as a store does, through the source a store plugin gets.
inline std::string readBack(delivery::MessageSpool& spool) {
  const auto source = spool.source();
  std::string text;
  char buffer[64 * 1024];
  while (text.size() < source.size) {
    std::size_t got = 0;
    if (source.read(source.context, text.size(), buffer, sizeof buffer, &got) != POSTAMT_OK || got == 0) {
      throw std::runtime_error("the spool ended early");
    }
    text.append(buffer, got);
  }
  return text;
}

struct Delivery {
  Envelope envelope;
  std::uint64_t size = 0;  // what the spool tells a store the message's size is
  std::string message;     // as read back from the spool
};

// A mail store in memory: knows which recipients exist, records what it was asked and what it stored, and can be told
// to fail.
class FakeDeliveryAgent : public DeliveryAgent {
 public:
  std::set<std::string> unknownRecipients;               // checkRecipient: 550 5.1.1
  std::map<std::string, Reply> recipientReplies;         // checkRecipient: this reply instead of the usual
  std::map<std::string, Reply> deliveryReplies;          // deliver: this reply for the recipient instead of 250
  std::string failingRecipient;                          // deliver: 451 4.3.0 for this one, as a failed store gives
  bool checkThrows = false;                              // checkRecipient: the directory is down
  bool deliverThrows = false;                            // deliver: every store is down
  std::optional<std::vector<Reply>> wholeDeliveryReply;  // deliver: exactly these replies, however many

  std::vector<std::pair<std::string, std::optional<std::uint64_t>>> checks;  // every checkRecipient call
  std::vector<Delivery> deliveries;                                          // every deliver call

  Reply checkRecipient(const std::string& recipient, std::optional<std::uint64_t> declaredSize) override {
    checks.emplace_back(recipient, declaredSize);
    if (checkThrows) throw std::runtime_error("directory down");
    if (const auto found = recipientReplies.find(recipient); found != recipientReplies.end()) return found->second;
    if (unknownRecipients.count(recipient)) return {550, "5.1.1", "No such user here"};
    return {250, "2.1.5", "Ok"};
  }

  std::vector<Reply> deliver(const Envelope& envelope, delivery::MessageSpool& message) override {
    deliveries.push_back({envelope, message.source().size, readBack(message)});
    if (deliverThrows) throw std::runtime_error("store down");
    if (wholeDeliveryReply) return *wholeDeliveryReply;
    std::vector<Reply> replies;
    for (const auto& recipient : envelope.recipients) {
      if (const auto found = deliveryReplies.find(recipient); found != deliveryReplies.end()) {
        replies.push_back(found->second);
      } else if (recipient == failingRecipient) {
        replies.push_back({451, "4.3.0", "Temporary failure"});
      } else {
        replies.push_back({250, "2.0.0", "Ok"});
      }
    }
    return replies;
  }
};

}  // namespace postamt::lmtp::test
