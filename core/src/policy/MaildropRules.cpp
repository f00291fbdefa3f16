#include "policy/MaildropRules.h"

namespace postamt::policy {
namespace {

// A hundred years: beyond it a number of days is a mistake, and seconds could overflow.
constexpr std::int64_t kMaxDays = 36500;

std::int64_t days(const sdk::PolicyValues& values, const char* name) {
  const std::int64_t n = field::count(values, name).value_or(0);
  if (n > kMaxDays) throw MalformedDecision(std::string("field '") + name + "' must be at most 36500 days");
  return n;
}

}  // namespace

RetentionRule RetentionRule::parse(const sdk::PolicyValues& values) {
  field::onlyKnown(values, {"older_than_days", "larger_than", "retrieved_only"});
  RetentionRule rule{days(values, "older_than_days"), field::count(values, "larger_than").value_or(0)};
  if (const auto it = values.find("retrieved_only"); it != values.end()) {
    const bool* flag = std::get_if<bool>(&it->second);
    if (flag == nullptr) throw MalformedDecision("field 'retrieved_only' must be true or false");
    rule.retrievedOnly = *flag;
  }
  return rule;
}

KeepOnServerRule KeepOnServerRule::parse(const sdk::PolicyValues& values) {
  field::onlyKnown(values, {"keep_deleted_days", "keep_retrieved_days"});
  return {days(values, "keep_deleted_days"), days(values, "keep_retrieved_days")};
}

}  // namespace postamt::policy
