#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "tenant/Directory.h"

namespace postamt::tenant {

// Which tenant owns a domain (or that none does), remembered for a moment: every login and every LMTP recipient
// asks, and the directory query was a ninth of the server's CPU in the download benchmark. No answer is older
// than `ttl`, so a domain added or moved with postamtctl still reaches every frontend within the 2 s the
// directory promises (README, PostgreSQL). Bounded: when full, it forgets everything and starts again.
// Thread-safe.
class DomainCache {
 public:
  using Clock = std::chrono::steady_clock;
  using Answer = std::optional<Tenant>;  // nullopt: no tenant owns the domain

  DomainCache(Clock::duration ttl, std::size_t capacity);

  // The remembered answer for `domain`, if one is fresh at `now`.
  std::optional<Answer> find(const std::string& domain, Clock::time_point now) const;
  void remember(const std::string& domain, const Answer& answer, Clock::time_point now);

 private:
  struct Entry {
    Answer answer;
    Clock::time_point expires;
  };

  const Clock::duration ttl_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace postamt::tenant
