#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace postamt::auth {

// A counting gate: at most `capacity` holders of a Pass at once, the others wait their turn. Slow password hashes
// go through one, so a flood of logins queues at the gate instead of taking every core from established sessions.
// Thread-safe.
class ConcurrencyGate {
 public:
  explicit ConcurrencyGate(std::size_t capacity);

  // Changes the capacity (at least 1); holders keep their passes, and waiters are let in as room appears.
  void configure(std::size_t capacity);

  // Held for the duration of one slow computation.
  class Pass {
   public:
    explicit Pass(ConcurrencyGate& gate);
    ~Pass();
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;

   private:
    ConcurrencyGate& gate_;
  };

 private:
  std::mutex mutex_;
  std::condition_variable roomFreed_;
  std::size_t capacity_;
  std::size_t holders_ = 0;
};

// The gate every slow password check of the process goes through (plugin::HostApi's verify_password and
// hash_password); sized from the number of cores until configured.
ConcurrencyGate& slowHashGate();

}  // namespace postamt::auth
