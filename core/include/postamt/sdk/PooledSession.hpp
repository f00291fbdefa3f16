// For plugins on Poco::Data (the host uses it too): a session from a pool that waits for one to come back.
#ifndef POSTAMT_SDK_POOLED_SESSION_HPP
#define POSTAMT_SDK_POOLED_SESSION_HPP

#include <Poco/Data/DataException.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace postamt::sdk {

// Poco's SessionPool::get() throws at once when every session is out. More logins at once than a pool has sessions
// is a burst, not a fault: this waits up to `patience` for a session to come back, then throws as get() does.
inline Poco::Data::Session pooledSession(Poco::Data::SessionPool& pool,
                                         std::chrono::milliseconds patience = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  for (auto pause = std::chrono::milliseconds(1);; pause = std::min(2 * pause, std::chrono::milliseconds(20))) {
    try {
      return pool.get();
    } catch (const Poco::Data::SessionPoolExhaustedException&) {
      if (std::chrono::steady_clock::now() + pause > deadline) throw;
      std::this_thread::sleep_for(pause);
    }
  }
}

}  // namespace postamt::sdk

#endif
