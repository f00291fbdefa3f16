#include "tenant/LoginTimes.h"

#include <Poco/Logger.h>

#include <exception>

namespace postamt::tenant {

LoginTimes::LoginTimes(Read read, Write write, std::chrono::milliseconds every, std::size_t capacity)
    : read_(std::move(read)), write_(std::move(write)), every_(every), capacity_(capacity), writer_([this] { run(); }) {}

LoginTimes::~LoginTimes() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
}

std::optional<std::int64_t> LoginTimes::last(std::int64_t tenantId, const std::string& address) {
  const Key key{tenantId, address};
  {
    std::lock_guard lock(mutex_);
    if (const auto found = pending_.find(key); found != pending_.end()) return found->second;
    if (const auto found = inFlight_.find(key); found != inFlight_.end()) return found->second;
    if (const auto found = known_.find(key); found != known_.end() && Clock::now() < found->second.until)
      return found->second.at;
  }
  const auto at = read_(tenantId, address);
  std::lock_guard lock(mutex_);
  remember(key, at, Clock::now());
  return at;
}

// Bounded like pending_: when full, the stale go, else all.
void LoginTimes::remember(const Key& key, std::optional<std::int64_t> at, Clock::time_point now) {
  if (known_.size() >= capacity_ && !known_.contains(key)) {
    std::erase_if(known_, [now](const auto& entry) { return entry.second.until <= now; });
    if (known_.size() >= capacity_) known_.clear();
  }
  known_.insert_or_assign(key, Known{at, now + every_});
}

void LoginTimes::record(std::int64_t tenantId, const std::string& address, std::int64_t at) {
  bool wasEmpty = false;
  {
    std::lock_guard lock(mutex_);
    if (pending_.size() >= capacity_ && !pending_.contains({tenantId, address})) {
      Poco::Logger::get("policy").warning("last logins not written for long: the login of %s is not recorded", address);
      return;
    }
    wasEmpty = pending_.empty();
    pending_.insert_or_assign(Key{tenantId, address}, at);
  }
  if (wasEmpty) wake_.notify_one();
}

// Sleeps until a login is recorded, gathers logins for `every_`, writes them; at the end, writes what is left.
void LoginTimes::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
    wake_.wait_for(lock, every_, [this] { return stopping_; });
    writePending(lock);
  }
  writePending(lock);
}

void LoginTimes::writePending(std::unique_lock<std::mutex>& lock) {
  if (pending_.empty()) return;
  inFlight_.swap(pending_);
  std::vector<Login> batch;
  batch.reserve(inFlight_.size());
  for (const auto& [key, at] : inFlight_) batch.push_back(Login{key.first, key.second, at});
  lock.unlock();
  bool written = false;
  try {
    write_(batch);
    written = true;
  } catch (const std::exception& e) {
    Poco::Logger::get("policy").warning("cannot record %z last login(s), trying again: %s", batch.size(), std::string(e.what()));
  }
  lock.lock();
  if (written) {
    const auto now = Clock::now();
    for (const auto& [key, at] : inFlight_) remember(key, at, now);
  } else {
    // Kept for the next try, unless a newer login of the same user came meanwhile.
    for (const auto& [key, at] : inFlight_) {
      if (pending_.size() < capacity_) pending_.try_emplace(key, at);
    }
  }
  inFlight_.clear();
}

}  // namespace postamt::tenant
