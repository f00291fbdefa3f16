#include "delivery/RecipientPolicy.h"

#include <Poco/Logger.h>

#include "policy/DeliverRule.h"

namespace postamt::delivery {
namespace {

// A policy that failed closed refuses for now: the sender's MTA retries, nothing bounces.
const lmtp::Reply kPolicyUnavailable{451, "4.3.0", "Temporary policy failure, try again later"};

bool over(const std::optional<std::int64_t>& limit, std::uint64_t wouldBe) {
  return limit && wouldBe > static_cast<std::uint64_t>(*limit);
}

}  // namespace

RecipientPolicy::RecipientPolicy(policy::TenantPolicies& policies) : policies_(policies) {}

RecipientPolicy::Verdict RecipientPolicy::atRecipient(const tenant::ResolvedMailbox& target, std::optional<std::uint64_t> size) {
  sdk::PolicyValues arguments{{"recipient", target.mailbox.fullAddress}, {"tenant", target.tenant.name}};
  if (size) arguments["size"] = static_cast<std::int64_t>(*size);
  const auto ruling = policies_.decide<policy::DeliverRule>(target.tenant, "deliver", arguments);
  using Kind = policy::Ruling<policy::DeliverRule>::Kind;
  if (ruling.kind == Kind::Refused) return {kPolicyUnavailable, {}};
  const auto& rule = ruling.rule;
  if (ruling.kind == Kind::Decided && rule.action == policy::DeliverRule::Action::Refuse) {
    return {lmtp::Reply{rule.code, rule.enhanced,
                        "<" + target.mailbox.fullAddress + "> " + (rule.text.empty() ? "Refused by policy" : rule.text)},
            {}};
  }
  return {overQuota(target, size), rule.tag};
}

RecipientPolicy::QuotaStanding RecipientPolicy::quota(const tenant::Tenant& tenant, plugin::StoreInstance& store,
                                                      const tenant::Mailbox* user, std::optional<std::uint64_t> size) {
  QuotaStanding standing;
  sdk::PolicyValues arguments{{"tenant", tenant.name}};
  if (user != nullptr) arguments["user"] = user->fullAddress;
  if (size) arguments["size"] = static_cast<std::int64_t>(*size);
  standing.ruling = policies_.decide<policy::QuotaRule>(tenant, "quota", arguments);
  if (standing.ruling.kind != policy::Ruling<policy::QuotaRule>::Kind::Decided) return standing;
  const auto& rule = standing.ruling.rule;
  if (user != nullptr && (rule.userBytes || rule.userMessages)) standing.user = store.usage(tenant.id, user);
  if (rule.tenantBytes || rule.tenantMessages) standing.tenant = store.usage(tenant.id, nullptr);
  return standing;
}

std::optional<lmtp::Reply> RecipientPolicy::overQuota(const tenant::ResolvedMailbox& target, std::optional<std::uint64_t> size) {
  const auto standing = quota(target.tenant, target.store, &target.mailbox, size);
  using Kind = policy::Ruling<policy::QuotaRule>::Kind;
  if (standing.ruling.kind == Kind::Refused) return kPolicyUnavailable;
  if (standing.ruling.kind != Kind::Decided) return std::nullopt;
  const auto& rule = standing.ruling.rule;
  const std::uint64_t incoming = size.value_or(0);
  bool full = false;
  for (const auto* used : {&standing.user, &standing.tenant}) {
    // A store that cannot count lets the mail in: a quota must never lose mail.
    if (*used && (*used)->status != POSTAMT_OK) {
      Poco::Logger::get("lmtp").warning("quota of %s not checked: %s", target.mailbox.fullAddress, (*used)->error);
    }
  }
  if (standing.user && standing.user->status == POSTAMT_OK) {
    full = over(rule.userMessages, standing.user->messages + 1) || over(rule.userBytes, standing.user->octets + incoming);
  }
  if (standing.tenant && standing.tenant->status == POSTAMT_OK) {
    full = full || over(rule.tenantMessages, standing.tenant->messages + 1) ||
           over(rule.tenantBytes, standing.tenant->octets + incoming);
  }
  if (!full) return std::nullopt;
  // RFC 3463 section 3.3: X.2.2 "mailbox full"; the script chooses whether the sender should retry.
  const std::string text = "<" + target.mailbox.fullAddress + "> " + (rule.text.empty() ? "Mailbox full" : rule.text);
  return rule.permanent ? lmtp::Reply{552, "5.2.2", text} : lmtp::Reply{452, "4.2.2", text};
}

}  // namespace postamt::delivery
