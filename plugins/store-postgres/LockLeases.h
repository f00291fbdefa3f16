#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <tuple>

#include "Pg.h"
#include "postamt/sdk/Host.hpp"

namespace postamt::store_postgres {

// The maildrop locks this process holds. One thread renews all their leases
// together every third of the lease, in one statement: a live session keeps
// its lock however slowly its client talks, and the locks of a process that
// died end when their lease does, whichever frontend asks next.
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

  LockLeases(sdk::Host host, ConnectionPool& pool, std::int64_t leaseSeconds);
  ~LockLeases();
  LockLeases(const LockLeases&) = delete;
  LockLeases& operator=(const LockLeases&) = delete;

  void hold(const Lock& lock);
  void release(const Lock& lock);

 private:
  void renewEvery(std::chrono::milliseconds interval);
  void renew();

  sdk::Host host_;
  ConnectionPool& pool_;
  const std::int64_t leaseSeconds_;
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::set<Lock> held_;
  std::thread renewer_;
};

}  // namespace postamt::store_postgres
