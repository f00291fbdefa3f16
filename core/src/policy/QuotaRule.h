#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "policy/Ruling.h"

namespace postamt::policy {

// The `quota` hook's decision, asked per recipient at LMTP RCPT and again at
// DATA (when the size is known):
//   { user_bytes = n, user_messages = n, tenant_bytes = n, tenant_messages = n,
//     over = "temporary" | "permanent", text = "..." }
// A limit left out is no limit. Over a limit the recipient is refused with
// 452 4.2.2 (temporary, the default: the sender's MTA keeps the mail queued)
// or 552 5.2.2 (permanent: it bounces), RFC 3463 "mailbox full".
struct QuotaRule {
  std::optional<std::int64_t> userBytes;
  std::optional<std::int64_t> userMessages;
  std::optional<std::int64_t> tenantBytes;
  std::optional<std::int64_t> tenantMessages;
  bool permanent = false;
  std::string text;

  static QuotaRule parse(const sdk::PolicyValues& values);  // throws MalformedDecision
};

}  // namespace postamt::policy
