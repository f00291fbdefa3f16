#include "policy/QuotaRule.h"

namespace postamt::policy {

QuotaRule QuotaRule::parse(const sdk::PolicyValues& values) {
  field::onlyKnown(values, {"user_bytes", "user_messages", "tenant_bytes", "tenant_messages", "over", "text"});
  QuotaRule rule;
  rule.userBytes = field::count(values, "user_bytes");
  rule.userMessages = field::count(values, "user_messages");
  rule.tenantBytes = field::count(values, "tenant_bytes");
  rule.tenantMessages = field::count(values, "tenant_messages");
  const std::string over = field::text(values, "over").value_or("temporary");
  if (over != "temporary" && over != "permanent") {
    throw MalformedDecision("field 'over' must be \"temporary\" or \"permanent\", not \"" + over + "\"");
  }
  rule.permanent = over == "permanent";
  rule.text = field::clientText(values, "text").value_or("");
  return rule;
}

}  // namespace postamt::policy
