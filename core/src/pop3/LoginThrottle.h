#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sasl/KeyedDigest.h"

namespace postamt::pop3 {

// The knobs of the brute-force defence (pop3.auth_* in postamtd.conf).
struct ThrottleSettings {
  // Dovecot's auth penalty: the first failure's reply waits 2 s, each further one twice as long, at most 15 s.
  std::chrono::milliseconds firstDelay{2000};
  std::chrono::milliseconds maxDelay{15000};
  // Failures from one address, and for one login name from anywhere, after which logins are refused; 0: never.
  int maxFailuresPerAddress = 10;
  int maxFailuresPerUser = 30;
  // A counter starts over after this long without a failure; a refused client waits this long.
  std::chrono::seconds window{600};
  // How many of an address's last distinct failed user and password pairs a repeat is recognised among.
  std::size_t rememberedCredentials = 5;
  // Entries per table (addresses, login names); beyond it the least recently failed are forgotten.
  std::size_t capacity = 100000;
};

// The login penalties of one process, keyed by the client's address (an IPv6 one by its /48, as in Dovecot) and by
// login name (the caller passes its account: Authenticator::account). Pure logic: the clock is
// injected, and the caller holds the reply back. A repeat of a recently failed pair costs nothing more, so an old
// password left on a second device does not lock its user out; only a keyed digest of each pair is kept, never the
// secret. Memory is bounded by `capacity` per table. Thread-safe: one instance serves every session.
class LoginThrottle {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  explicit LoginThrottle(ThrottleSettings settings, Clock clock = &std::chrono::steady_clock::now);

  // False once `address`, or `user` (when known: not empty), reached its failure limit within the window.
  bool admits(std::string_view address, std::string_view user) const;

  struct Penalty {
    std::chrono::milliseconds delay{0};  // how long the failure's reply waits
    bool lockedOut = false;              // the limit is reached: refuse and disconnect
  };
  // A login that failed for its credentials. `secret` is what was tried, when the session saw one (a password, not
  // a SCRAM proof), so that a repeat can be told from a new guess.
  Penalty failed(std::string_view address, std::string_view user, std::optional<std::string_view> secret);

  // How long the refusal of a locked-out client from `address` waits: the address's current penalty, as Dovecot holds
  // every reply to a penalised address. Answered at once, a locked-out guesser reconnects thousands of times a second.
  std::chrono::milliseconds refusalDelay(std::string_view address) const;

  // A login from `address` succeeded: its delay starts over, as in Dovecot. Its failure count does not, or one
  // valid account would buy unlimited guesses at others; nothing of other addresses changes.
  void succeeded(std::string_view address);

 private:
  struct Record {
    int failures = 0;      // within the window, towards the limit
    int penaltySteps = 0;  // since the last success: the delay doubles with each
    std::chrono::steady_clock::time_point lastFailure;
    std::deque<sasl::KeyedDigest::Value> recentCredentials;  // addresses only, newest last
  };

  // Records by key, the least recently failed first out once `capacity` is reached.
  class Table {
   public:
    explicit Table(std::size_t capacity) : capacity_(capacity) {}
    const Record* find(const std::string& key) const;
    Record& touch(const std::string& key);  // creates the record, and makes it the newest

   private:
    using Order = std::list<std::string>;
    std::size_t capacity_;
    Order order_;  // newest first
    std::unordered_map<std::string, std::pair<Record, Order::iterator>> records_;
  };

  std::string userKey(std::string_view user) const;
  // The record with its counters reset when the window passed since its last failure.
  void forgetIfQuiet(Record& record, std::chrono::steady_clock::time_point now) const;
  bool overLimit(const Record* record, int limit, std::chrono::steady_clock::time_point now) const;
  std::chrono::milliseconds delayAfter(int penaltySteps) const;

  const ThrottleSettings settings_;
  const Clock clock_;
  const sasl::KeyedDigest digest_;
  mutable std::mutex mutex_;
  Table addresses_;
  Table users_;  // keyed by a digest of the lower-cased name: names reach kilobytes in SASL, digests do not
};

}  // namespace postamt::pop3
