#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace postamt::tenant {

// When each user last logged in, which login hooks read as seconds_since_last_login. A login is recorded in memory
// and a thread of its own writes a second's worth in one transaction: a write per login, contending with the
// maildrop locks for SQLite's one writer, was most of what a policy added to a login. What this frontend recorded
// or read is answered from memory for `every` more; so another frontend's login shows here within about two
// seconds. A crash loses at most the last second's logins, which costs at most one login delay not enforced.
// Thread-safe.
class LoginTimes {
 public:
  struct Login {
    std::int64_t tenantId = 0;
    std::string address;
    std::int64_t at = 0;  // Unix seconds
  };
  using Read = std::function<std::optional<std::int64_t>(std::int64_t tenantId, const std::string& address)>;
  using Write = std::function<void(const std::vector<Login>&)>;  // all in one transaction; throws on failure

  // `capacity`: logins kept unwritten at most; past it (the database down for long) the oldest are dropped.
  LoginTimes(Read read, Write write, std::chrono::milliseconds every = std::chrono::seconds(1), std::size_t capacity = 100000);
  ~LoginTimes();  // writes what is pending
  LoginTimes(const LoginTimes&) = delete;
  LoginTimes& operator=(const LoginTimes&) = delete;

  std::optional<std::int64_t> last(std::int64_t tenantId, const std::string& address);
  void record(std::int64_t tenantId, const std::string& address, std::int64_t at);

 private:
  using Key = std::pair<std::int64_t, std::string>;
  using Batch = std::map<Key, std::int64_t>;
  using Clock = std::chrono::steady_clock;
  struct Known {
    std::optional<std::int64_t> at;  // nullopt: never logged in
    Clock::time_point until;         // trusted until then
  };

  void run();
  void writePending(std::unique_lock<std::mutex>& lock);
  void remember(const Key& key, std::optional<std::int64_t> at, Clock::time_point now);  // under mutex_

  const Read read_;
  const Write write_;
  const std::chrono::milliseconds every_;
  const std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable wake_;
  Batch pending_;   // recorded, not yet being written
  Batch inFlight_;  // being written now: still this frontend's answer until committed
  std::map<Key, Known> known_;  // written or read lately
  bool stopping_ = false;
  std::thread writer_;  // last: starts once everything above is built
};

}  // namespace postamt::tenant
