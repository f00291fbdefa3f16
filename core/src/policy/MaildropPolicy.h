#pragma once

#include <postamt/abi.h>

#include <optional>
#include <string>

#include "policy/MaildropRules.h"
#include "policy/TenantPolicies.h"

namespace postamt::policy {

// What a user's maildrop opens under: the `retention` and `keep_on_server`
// hooks, one call each, whether at login or in the background purge.
struct MaildropPolicy {
  bool refused = false;  // a hook failed closed: do not open the maildrop now
  RetentionRule retention;
  KeepOnServerRule keep;

  // For the store (abi.h postamt_maildrop_rules); none when nothing is asked.
  std::optional<postamt_maildrop_rules> rules() const;
};

MaildropPolicy maildropPolicy(TenantPolicies& policies, const tenant::Tenant& tenant, const std::string& address);

}  // namespace postamt::policy
