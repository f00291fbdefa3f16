#include "policy/LoginRule.h"

namespace postamt::policy {

LoginRule LoginRule::parse(const sdk::PolicyValues& values) {
  field::onlyKnown(values, {"refuse", "text", "login_delay", "expire"});
  LoginRule rule;
  if (const auto refuse = field::text(values, "refuse")) {
    if (*refuse == "LOGIN-DELAY") {
      rule.refusal = Refusal::LoginDelay;
    } else if (*refuse == "AUTH") {
      rule.refusal = Refusal::Auth;
    } else if (*refuse == "SYS/PERM") {
      rule.refusal = Refusal::SysPerm;
    } else {
      throw MalformedDecision("field 'refuse' must be \"LOGIN-DELAY\", \"AUTH\" or \"SYS/PERM\", not \"" + *refuse + "\"");
    }
  }
  rule.text = field::clientText(values, "text").value_or("");
  rule.loginDelay = field::count(values, "login_delay");
  if (const auto it = values.find("expire"); it != values.end()) {
    if (const std::string* s = std::get_if<std::string>(&it->second); s != nullptr && (*s == "never" || *s == "NEVER")) {
      rule.expireNever = true;
    } else {
      rule.expireDays = field::count(values, "expire");
    }
  }
  return rule;
}

}  // namespace postamt::policy
