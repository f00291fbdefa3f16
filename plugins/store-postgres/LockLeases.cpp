#include "LockLeases.h"

#include <vector>

#include "Statements.h"

namespace postamt::store_postgres {

LockLeases::LockLeases(sdk::Host host, ConnectionPool& pool, std::int64_t leaseSeconds)
    : host_(host), pool_(pool), leaseSeconds_(leaseSeconds) {
  renewer_ = std::thread([this] { renewEvery(std::chrono::milliseconds(leaseSeconds_ * 1000 / 3)); });
}

LockLeases::~LockLeases() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_one();
  renewer_.join();
}

void LockLeases::hold(const Lock& lock) {
  std::lock_guard<std::mutex> guard(mutex_);
  held_.insert(lock);
}

void LockLeases::release(const Lock& lock) {
  std::lock_guard<std::mutex> guard(mutex_);
  held_.erase(lock);
}

void LockLeases::renewEvery(std::chrono::milliseconds interval) {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_.wait_for(lock, interval, [&] { return stopping_; })) {
    if (held_.empty()) continue;
    lock.unlock();
    renew();
    lock.lock();
  }
}

// A failed renewal is retried at the next interval; until the lease ends the
// lock is still ours. Should it end meanwhile, another session may take it,
// and this session's UPDATE state then finds the lock gone and deletes nothing.
void LockLeases::renew() {
  std::vector<std::string> tenants, addresses, holders;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const Lock& held : held_) {
      tenants.push_back(std::to_string(held.tenantId));
      addresses.push_back(held.address);
      holders.push_back(held.holder);
    }
  }
  try {
    pool_.run([&](Connection& db) {
      Params params;
      params.addArray(tenants).addArray(addresses).addArray(holders).add(leaseSeconds_);
      return db.run(kRenewLocks, params);
    });
  } catch (const std::exception& e) {
    host_.log(POSTAMT_LOG_WARNING, "store-postgres", std::string("renewing maildrop lock leases failed: ") + e.what());
  }
}

}  // namespace postamt::store_postgres
