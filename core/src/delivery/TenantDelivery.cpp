#include "delivery/TenantDelivery.h"

#include <Poco/Logger.h>

#include <map>
#include <tuple>
#include <utility>

#include "delivery/PrefixedSource.h"

namespace postamt::delivery {
namespace {

const lmtp::Reply kTemporaryFailure{451, "4.3.0", "Temporary failure, try again later"};

lmtp::Reply unknownUser(const std::string& recipient) { return {550, "5.1.1", "<" + recipient + "> User unknown"}; }

// The reply of a recipient that named its mailbox again, in its own spelling where the first one's is quoted.
lmtp::Reply repeated(lmtp::Reply reply, const std::string& first, const std::string& again) {
  const std::string quoted = "<" + first + ">";
  if (const auto at = reply.text.find(quoted); at != std::string::npos) reply.text.replace(at, quoted.size(), "<" + again + ">");
  return reply;
}

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
    std::vector<std::size_t> positions;  // in envelope.recipients
  };
  std::map<std::tuple<std::string, std::int64_t, std::string>, Group> groups;
  // A mailbox named again (a repeated RCPT, or the address in other letter case) gets one copy, and the repeat the
  // reply of the recipient that first named it: the policy is asked once, and the store sees the mailbox once.
  std::map<std::pair<std::int64_t, std::string>, std::size_t> firstNamedAt;
  std::vector<std::pair<std::size_t, std::size_t>> repeats;  // a position in envelope.recipients, and its first
  for (std::size_t i = 0; i < envelope.recipients.size(); ++i) {
    try {
      auto resolved = resolver_.resolve(envelope.recipients[i]);
      if (!resolved.mailbox) continue;  // vanished since RCPT: the sender retries
      auto& target = *resolved.mailbox;
      const auto [first, isFirst] = firstNamedAt.try_emplace({target.tenant.id, target.mailbox.fullAddress}, i);
      if (!isFirst) {
        repeats.emplace_back(i, first->second);
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
      group.mailboxes.push_back(target.mailbox);
      group.positions.push_back(i);
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
    for (std::size_t j = 0; j < group.positions.size(); ++j) {
      const std::string& recipient = envelope.recipients[group.positions[j]];
      const postamt_status status = delivered.status == POSTAMT_OK ? delivered.perRecipient[j] : delivered.status;
      if (status == POSTAMT_OK) {
        replies[group.positions[j]] = {250, "2.0.0", "<" + recipient + "> Saved"};
      } else if (status == POSTAMT_PERM_FAIL) {
        replies[group.positions[j]] = {554, "5.3.0", "<" + recipient + "> Message could not be stored"};
      }
    }
  }
  for (const auto& [position, first] : repeats)
    replies[position] = repeated(replies[first], envelope.recipients[first], envelope.recipients[position]);
  return replies;
}

}  // namespace postamt::delivery
