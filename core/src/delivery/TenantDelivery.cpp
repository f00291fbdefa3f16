#include "delivery/TenantDelivery.h"

#include <Poco/Logger.h>

#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "delivery/PrefixedSource.h"

namespace postamt::delivery {
namespace {

const lmtp::Reply kTemporaryFailure{451, "4.3.0", "Temporary failure, try again later"};

lmtp::Reply unknownUser(const std::string& recipient) { return {550, "5.1.1", "<" + recipient + "> User unknown"}; }

}  // namespace

TenantDelivery::TenantDelivery(tenant::MailboxResolver& resolver, policy::TenantPolicies& policies)
    : resolver_(resolver), policy_(policies) {}

lmtp::Reply TenantDelivery::checkRecipient(const std::string& recipient, std::optional<std::uint64_t> declaredSize) {
  try {
    auto resolved = resolver_.resolve(recipient);
    if (!resolved.mailbox) {
      switch (resolved.failure) {
        case tenant::MailboxResolver::Failure::BadAddress:
          return {501, "5.1.3", "Bad recipient address syntax"};
        case tenant::MailboxResolver::Failure::UnknownDomain:
          return unknownUser(recipient);
        case tenant::MailboxResolver::Failure::MissingInstance:
          Poco::Logger::get("lmtp").error("recipient %s: %s", recipient, resolved.error);
          return kTemporaryFailure;
      }
    }
    auto& target = *resolved.mailbox;
    const auto found = target.auth.lookup(target.mailbox);
    switch (found.status) {
      case POSTAMT_OK:
        if (auto refused = policy_.atRecipient(target, declaredSize).refusal) return *refused;
        return {250, "2.1.5", "<" + recipient + "> OK"};
      case POSTAMT_NOT_FOUND:
        return unknownUser(recipient);
      case POSTAMT_DENIED:
        return {550, "5.2.1", "<" + recipient + "> Mailbox disabled"};
      default:
        Poco::Logger::get("lmtp").warning("recipient %s: %s", recipient, found.error);
        return kTemporaryFailure;
    }
  } catch (const tenant::DirectoryError& e) {
    Poco::Logger::get("lmtp").warning("recipient %s: %s", recipient, std::string(e.what()));
    return kTemporaryFailure;
  }
}

std::vector<lmtp::Reply> TenantDelivery::deliver(const lmtp::Envelope& envelope, MessageSpool& message) {
  std::vector<lmtp::Reply> replies(envelope.recipients.size(), kTemporaryFailure);
  // Recipients of one tenant in one store instance, with the same tag from the policy, are delivered together.
  struct Group {
    plugin::StoreInstance* store;
    std::vector<tenant::Mailbox> mailboxes;
    std::vector<std::vector<std::size_t>> namedBy;  // per mailbox: the places in envelope.recipients that name it
  };
  std::map<std::tuple<std::string, std::int64_t, std::string>, Group> groups;
  // A mailbox named again (a repeated RCPT, or the address in other letter case) gets one copy: the policy is asked
  // about it once, the store sees it once, and every recipient that names it gets the reply for that copy.
  struct Naming {
    std::size_t first;       // in envelope.recipients
    Group* group = nullptr;  // none when the policy refused it (or could not be asked)
    std::size_t mailbox = 0;
  };
  std::map<std::pair<std::int64_t, std::string>, Naming> namings;
  for (std::size_t i = 0; i < envelope.recipients.size(); ++i) {
    try {
      auto resolved = resolver_.resolve(envelope.recipients[i]);
      if (!resolved.mailbox) continue;  // vanished since RCPT: the sender retries
      auto& target = *resolved.mailbox;
      auto [naming, isFirst] = namings.try_emplace({target.tenant.id, target.mailbox.fullAddress}, Naming{i});
      if (!isFirst) {
        if (Group* group = naming->second.group) {
          group->namedBy[naming->second.mailbox].push_back(i);
        } else {
          replies[i] = replies[naming->second.first];
        }
        continue;
      }
      // RFC 2033 section 4.2: a recipient the policy refuses now that the size is known gets its own reply.
      auto verdict = policy_.atData(target, message.size());
      if (verdict.refusal) {
        replies[i] = *verdict.refusal;
        continue;
      }
      auto& group =
          groups.try_emplace({target.store.name(), target.tenant.id, verdict.tag}, Group{&target.store, {}, {}}).first->second;
      naming->second.group = &group;
      naming->second.mailbox = group.mailboxes.size();
      group.mailboxes.push_back(target.mailbox);
      group.namedBy.push_back({i});
    } catch (const tenant::DirectoryError& e) {
      Poco::Logger::get("lmtp").warning("recipient %s: %s", envelope.recipients[i], std::string(e.what()));
    }
  }
  const postamt_message_source spooled = message.source();
  for (auto& [key, group] : groups) {
    const std::string& tag = std::get<2>(key);
    PrefixedSource tagged(tag.empty() ? std::string() : "X-Postamt-Tag: " + tag + "\r\n", spooled);
    const auto delivered = group.store->deliver(group.mailboxes, tagged.source());
    if (delivered.status != POSTAMT_OK) {
      Poco::Logger::get("lmtp").warning("delivery to %s failed: %s", std::get<0>(key), delivered.error);
    }
    for (std::size_t j = 0; j < group.mailboxes.size(); ++j) {
      const postamt_status status = delivered.status == POSTAMT_OK ? delivered.perRecipient[j] : delivered.status;
      for (const std::size_t position : group.namedBy[j]) {
        const std::string& recipient = envelope.recipients[position];
        if (status == POSTAMT_OK) {
          replies[position] = {250, "2.0.0", "<" + recipient + "> Saved"};
        } else if (status == POSTAMT_PERM_FAIL) {
          replies[position] = {554, "5.3.0", "<" + recipient + "> Message could not be stored"};
        }
      }
    }
  }
  return replies;
}

}  // namespace postamt::delivery
