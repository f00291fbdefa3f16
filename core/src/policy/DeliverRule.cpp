#include "policy/DeliverRule.h"

#include <regex>

namespace postamt::policy {

DeliverRule DeliverRule::parse(const sdk::PolicyValues& values) {
  field::onlyKnown(values, {"action", "code", "enhanced", "text", "tag"});
  DeliverRule rule;
  const std::string action = field::text(values, "action").value_or("accept");
  if (action == "refuse") {
    rule.action = Action::Refuse;
  } else if (action == "tag") {
    rule.action = Action::Tag;
    // One header field body line (RFC 5322 section 2.2): the client-text rule fits it.
    rule.tag = field::clientText(values, "tag").value_or("");
    if (rule.tag.empty()) throw MalformedDecision("action \"tag\" needs a non-empty field 'tag'");
  } else if (action != "accept") {
    throw MalformedDecision("field 'action' must be \"accept\", \"refuse\" or \"tag\", not \"" + action + "\"");
  }
  if (const auto code = field::count(values, "code")) {
    if (*code < 400 || *code > 599) throw MalformedDecision("field 'code' must be an SMTP reply code from 400 to 599");
    rule.code = static_cast<int>(*code);
  }
  const std::string defaultEnhanced = rule.code >= 500 ? "5.7.1" : "4.7.1";
  rule.enhanced = field::text(values, "enhanced").value_or(defaultEnhanced);
  // RFC 3463 section 2: class.subject.detail, the class matching the reply code's.
  static const std::regex kEnhanced("[45]\\.[0-9]{1,3}\\.[0-9]{1,3}");
  if (!std::regex_match(rule.enhanced, kEnhanced) || rule.enhanced[0] != std::to_string(rule.code)[0]) {
    throw MalformedDecision("field 'enhanced' must be a status code like " + defaultEnhanced + " of the same class as 'code'");
  }
  rule.text = field::clientText(values, "text").value_or("");
  return rule;
}

}  // namespace postamt::policy
