// A policy's maildrop rules (Store::MaildropRules) as the bounds a store's
// query compares against, so every store reads the rules alike whatever its
// database library.
#ifndef POSTAMT_SDK_RULE_BOUNDS_HPP
#define POSTAMT_SDK_RULE_BOUNDS_HPP

#include <algorithm>
#include <cstdint>
#include <limits>

#include "postamt/sdk/Store.hpp"

namespace postamt::sdk {

// Seconds and octets, 0 where the rule asks nothing. Days beyond a century
// count as a century: the scripts' numbers come from tenants, and days in
// seconds must neither overflow nor push a timestamp past the database's range.
struct RuleBounds {
  std::int64_t expireAfterSeconds = 0;    // received longer ago than this: purged ...
  std::int64_t expireLargerThan = 0;      // ... when larger than this many octets ...
  bool expireRetrievedOnly = false;       // ... and, when set, retrieved already
  std::int64_t keepRetrievedSeconds = 0;  // purged this long after the first retrieval
  std::int64_t keepDeletedSeconds = 0;    // DELE+QUIT hides for this long; 0 removes at once

  static constexpr std::int64_t kDay = 24 * 60 * 60;
  static constexpr std::int64_t kMostDays = 100 * 366;

  static std::int64_t secondsOf(std::int64_t days) { return days > 0 ? std::min(days, kMostDays) * kDay : 0; }

  static RuleBounds of(const Store::MaildropRules& rules) {
    RuleBounds bounds;
    bounds.expireAfterSeconds = secondsOf(rules.expireAfterDays);
    bounds.expireLargerThan =
        static_cast<std::int64_t>(std::min<std::uint64_t>(rules.expireLargerThan, std::numeric_limits<std::int64_t>::max()));
    bounds.expireRetrievedOnly = rules.expireRetrievedOnly;
    bounds.keepRetrievedSeconds = secondsOf(rules.keepRetrievedDays);
    bounds.keepDeletedSeconds = secondsOf(rules.keepDeletedDays);
    return bounds;
  }
};

}  // namespace postamt::sdk

#endif
