// For stores that keep maildrop locks as leases in a shared database: one thread renews them all.
#ifndef POSTAMT_SDK_LOCK_LEASES_HPP
#define POSTAMT_SDK_LOCK_LEASES_HPP

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "postamt/sdk/Host.hpp"

namespace postamt::sdk {

// The maildrop locks a store holds in this process, for a store that keeps its locks as leases in a database shared
// by several processes. One thread renews all their leases together every third of the lease, so a live session
// keeps its lock however slowly its client talks (RFC 1939 section 8: the lock lasts until the session ends), while
// the locks of a process that died end with their lease, whichever process asks next.
//
// `renew` gets every lock held and renews them all, in one statement or transaction. It runs on the renewing thread;
// what it throws is logged under `source`, and the renewal is tried again at the next interval: until the lease ends
// the lock is still the session's.
class LockLeases {
 public:
  struct Lock {
    std::int64_t tenantId;
    std::string address;
    std::string holder;
    bool operator<(const Lock& other) const {
      return std::tie(tenantId, address, holder) < std::tie(other.tenantId, other.address, other.holder);
    }
  };
  using Renew = std::function<void(const std::vector<Lock>& held)>;

  LockLeases(Host host, std::string source, std::int64_t leaseSeconds, Renew renew)
      : host_(host), source_(std::move(source)), renew_(std::move(renew)) {
    const auto interval = std::chrono::milliseconds(leaseSeconds * 1000 / 3);
    renewer_ = std::thread([this, interval] { renewEvery(interval); });
  }

  ~LockLeases() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    stop_.notify_one();
    renewer_.join();
  }

  LockLeases(const LockLeases&) = delete;
  LockLeases& operator=(const LockLeases&) = delete;

  void hold(const Lock& lock) {
    std::lock_guard<std::mutex> guard(mutex_);
    held_.insert(lock);
  }

  void release(const Lock& lock) {
    std::lock_guard<std::mutex> guard(mutex_);
    held_.erase(lock);
  }

 private:
  void renewEvery(std::chrono::milliseconds interval) {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_.wait_for(lock, interval, [&] { return stopping_; })) {
      if (held_.empty()) continue;
      lock.unlock();
      renewHeld();
      lock.lock();
    }
  }

  // Whatever fails, the thread goes on: an exception leaving it would end the process.
  void renewHeld() noexcept {
    try {
      std::vector<Lock> held;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        held.assign(held_.begin(), held_.end());
      }
      renew_(held);
    } catch (const std::exception& e) {
      logFailure(e.what());
    } catch (...) {
      logFailure("an exception that is not a std::exception");
    }
  }

  void logFailure(const char* why) noexcept {
    try {
      host_.log(POSTAMT_LOG_WARNING, source_, std::string("renewing maildrop lock leases failed: ") + why);
    } catch (...) {
      // Out of memory for the line: the next interval tries again.
    }
  }

  Host host_;
  const std::string source_;
  const Renew renew_;
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::set<Lock> held_;
  std::thread renewer_;  // started in the constructor's body, once everything above is built
};

}  // namespace postamt::sdk

#endif
