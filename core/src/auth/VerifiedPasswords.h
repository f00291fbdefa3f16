#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include "sasl/KeyedDigest.h"

namespace postamt::auth {

// Remembers which (stored hash, password) pairs matched, so a client that
// polls every few minutes does not pay a deliberately slow hash every time
// (Dovecot's auth cache has the same purpose). Only matches are kept, under an
// HMAC with a random per-process key: no password, and nothing an attacker
// could test guesses against, stays in memory. Nothing can go stale: a new
// password means a new stored hash, and the auth plugin sees a disabled user
// before it asks to verify. Thread-safe.
class VerifiedPasswords {
 public:
  VerifiedPasswords(std::size_t capacity, std::chrono::seconds timeToLive);

  bool contains(std::string_view stored, std::string_view password);
  void remember(std::string_view stored, std::string_view password);

  // Changes the bounds; 0 capacity turns the cache off. Drops what is kept.
  void configure(std::size_t capacity, std::chrono::seconds timeToLive);

 private:
  using Key = sasl::KeyedDigest::Value;
  using Generation = std::unordered_map<Key, std::chrono::steady_clock::time_point, sasl::KeyedDigest::Hash>;

  sasl::KeyedDigest digest_;
  std::mutex mutex_;
  std::size_t capacity_;
  std::chrono::seconds timeToLive_;
  // Two generations bound the memory without per-entry bookkeeping: when the
  // current one is half the capacity it becomes the previous one, and the
  // previous one is dropped. Entries used often are carried forward.
  Generation current_;
  Generation previous_;
};

// The cache the host's verify_password uses.
VerifiedPasswords& verifiedPasswords();

}  // namespace postamt::auth
