#pragma once

#include <cstdint>

#include "policy/Ruling.h"

namespace postamt::policy {

// The `retention` hook's decision, asked once per login (never per message:
// the store applies it in SQL as the maildrop opens):
//   { older_than_days = n, larger_than = octets }
// Messages received more than n days ago (and, with larger_than, only those
// larger than that) are purged. CAPA then announces EXPIRE n (RFC 2449
// section 6.7) unless the login hook says otherwise.
struct RetentionRule {
  std::int64_t olderThanDays = 0;  // 0: nothing expires
  std::int64_t largerThan = 0;

  static RetentionRule parse(const sdk::PolicyValues& values);  // throws MalformedDecision
};

// The `keep_on_server` hook's decision, asked once per login:
//   { keep_deleted_days = n }
// DELE+QUIT then hides the messages for n days instead of removing them;
// `postamtctl maildrop restore ADDRESS` lists them again until then.
struct KeepOnServerRule {
  std::int64_t keepDeletedDays = 0;

  static KeepOnServerRule parse(const sdk::PolicyValues& values);  // throws MalformedDecision
};

}  // namespace postamt::policy
