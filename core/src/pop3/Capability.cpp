#include "pop3/Capability.h"

#include "sasl/Mechanisms.h"

namespace postamt::pop3 {

namespace {

// RFC 2449 section 6.5 and 6.7: the USER tag only where the value may differ once the user is known.
std::string perUser(std::string value, const PolicyAnnouncement& policy) {
  return policy.variesByUser ? value + " USER" : value;
}

}  // namespace

std::vector<std::string> capabilities(const SessionSettings& settings, bool stls, const std::optional<PolicyAnnouncement>& policy) {
  std::vector<std::string> offered;
  offered.emplace_back("TOP");  // RFC 2449 section 6.1
  if (settings.allowCleartextLogin) {
    offered.emplace_back("USER");  // RFC 2449 section 6.2: only where USER/PASS is accepted
  }
  std::string sasl = "SASL";  // RFC 2449 section 6.3, RFC 5034 section 5
  for (const auto name : sasl::offeredMechanisms(settings.saslMechanisms, settings.allowCleartextLogin)) sasl.append(" ").append(name);
  if (sasl != "SASL") offered.push_back(sasl);
  offered.emplace_back("RESP-CODES");      // RFC 2449 section 6.4
  offered.emplace_back("AUTH-RESP-CODE");  // RFC 3206 section 6
  offered.emplace_back("PIPELINING");      // RFC 2449 section 6.6
  offered.emplace_back("UIDL");            // RFC 2449 section 6.8
  if (stls) offered.emplace_back("STLS");  // RFC 2595 section 4
  offered.emplace_back("UTF8");            // RFC 6856 section 2: without the USER tag, UTF-8 names need UTF8 first
  if (!settings.implementation.empty()) {
    offered.push_back("IMPLEMENTATION " + settings.implementation);  // RFC 2449 section 6.9
  }
  if (policy) {
    offered.push_back(perUser("LOGIN-DELAY " + std::to_string(policy->loginDelaySeconds), *policy));  // section 6.5
    // Section 6.7: NEVER takes no USER tag; a value that varies by user announces the least one.
    offered.push_back(policy->expireDays ? perUser("EXPIRE " + std::to_string(*policy->expireDays), *policy)
                                         : std::string("EXPIRE NEVER"));
  }
  return offered;
}

}  // namespace postamt::pop3
