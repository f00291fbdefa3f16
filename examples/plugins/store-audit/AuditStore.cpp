// store-audit: a store decorator that appends one line per delivered,
// imported and expunged message (tenant, address, UIDL, size) to a file, a
// compliance trail the wrapped store knows nothing about. Settings: path
// (required). Config:
//   store.audited.plugin = store-audit
//   store.audited.wraps = main
//   store.audited.path = /var/log/postamt/audit.log
// A line is written only once the wrapped store has done the work. Delivery
// lines carry uidl=- : the store makes the UIDL, and deliver() does not say
// it. What a store purges by itself under a policy's rules is no expunge and
// is not written.
#include <cstddef>
#include <memory>
#include <postamt/sdk/Plugin.hpp>
#include <postamt/sdk/StoreDecorator.hpp>
#include <string>
#include <utility>
#include <vector>

#include "AuditTrail.h"

namespace store_audit {
namespace {

using postamt::sdk::Mailbox;
using postamt::sdk::Maildrop;
using postamt::sdk::Span;

// Writes a line per message an expunge removed. Used by one thread at a time, as every Maildrop.
class AuditedMaildrop : public postamt::sdk::MaildropDecorator {
 public:
  AuditedMaildrop(std::unique_ptr<Maildrop> wrapped, AuditTrail& trail, Mailbox mailbox)
      : MaildropDecorator(std::move(wrapped)), trail_(trail), mailbox_(std::move(mailbox)) {}

  void expunge(Span<const std::size_t> indexes) override {
    const auto& messages = listing();  // the numbering is the listing fixed at open
    MaildropDecorator::expunge(indexes);
    for (std::size_t index : indexes) {
      if (index < messages.size()) trail_.write("expunged", mailbox_, messages[index].first, messages[index].second);
    }
  }

 private:
  const std::vector<std::pair<std::string, std::uint64_t>>& listing() {
    if (!listed_) {
      wrapped().list([&](const std::string& uidl, std::uint64_t size) { messages_.emplace_back(uidl, size); });
      listed_ = true;
    }
    return messages_;
  }

  AuditTrail& trail_;
  const Mailbox mailbox_;
  bool listed_ = false;
  std::vector<std::pair<std::string, std::uint64_t>> messages_;
};

class AuditStore : public postamt::sdk::StoreDecorator {
 public:
  AuditStore(postamt::sdk::Host, const postamt::sdk::Settings& settings, std::unique_ptr<postamt::sdk::Store> wrapped)
      : StoreDecorator(std::move(wrapped)), trail_(settings.get("path")) {}

  std::unique_ptr<Maildrop> openMaildrop(const Mailbox& mailbox, const std::string& lockHolder) override {
    return std::make_unique<AuditedMaildrop>(StoreDecorator::openMaildrop(mailbox, lockHolder), trail_, mailbox);
  }

  std::unique_ptr<Maildrop> openMaildropWithRules(const Mailbox& mailbox, const std::string& lockHolder,
                                                  const MaildropRules& rules) override {
    return std::make_unique<AuditedMaildrop>(StoreDecorator::openMaildropWithRules(mailbox, lockHolder, rules), trail_, mailbox);
  }

  std::vector<postamt_status> deliver(const std::vector<Mailbox>& recipients, postamt::sdk::MessageSource& message) override {
    std::vector<postamt_status> results = StoreDecorator::deliver(recipients, message);
    for (std::size_t i = 0; i < recipients.size() && i < results.size(); ++i) {
      if (results[i] == POSTAMT_OK) trail_.write("delivered", recipients[i], "-", message.size());
    }
    return results;
  }

  postamt_status importMessage(const Mailbox& mailbox, const std::string& uidl, std::int64_t receivedAt,
                               postamt::sdk::MessageSource& message) override {
    const postamt_status status = StoreDecorator::importMessage(mailbox, uidl, receivedAt, message);
    if (status == POSTAMT_OK) trail_.write("imported", mailbox, uidl, message.size());
    return status;
  }

 private:
  AuditTrail trail_;
};

}  // namespace
}  // namespace store_audit

POSTAMT_PLUGIN("store-audit", PLUGIN_VERSION, postamt::sdk::storeDecoratorApi<store_audit::AuditStore>())
