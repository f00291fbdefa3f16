#pragma once

#include <cstdint>

#include "policy/Ruling.h"

namespace postamt::policy {

// The `retention` hook's decision, asked once per login (never per message:
// the store applies it in SQL as the maildrop opens):
//   { older_than_days = n, larger_than = octets, retrieved_only = true }
// Messages received more than n days ago (with larger_than, only those larger
// than that; with retrieved_only, only those a session has retrieved) are
// purged.
struct RetentionRule {
  std::int64_t olderThanDays = 0;  // 0: nothing expires
  std::int64_t largerThan = 0;
  bool retrievedOnly = false;

  static RetentionRule parse(const sdk::PolicyValues& values);  // throws MalformedDecision
};

// The `keep_on_server` hook's decision, asked once per login:
//   { keep_deleted_days = n, keep_retrieved_days = m }
// DELE+QUIT then hides the messages for n days instead of removing them;
// `postamtctl maildrop restore ADDRESS` lists them again until then. With m,
// a message is purged m days after its first retrieval (RETR), even when no
// client ever deletes it.
struct KeepOnServerRule {
  std::int64_t keepDeletedDays = 0;
  std::int64_t keepRetrievedDays = 0;

  static KeepOnServerRule parse(const sdk::PolicyValues& values);  // throws MalformedDecision
};

}  // namespace postamt::policy
