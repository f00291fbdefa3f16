#pragma once

#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <mutex>
#include <set>

namespace postamt::net {

// The live connections of a server, so a stop can wake each one: a blocked
// read returns at once when its socket is shut down for reading.
class SessionRegistry {
 public:
  class Registration {
   public:
    Registration(SessionRegistry& registry, Poco::Net::StreamSocket& socket);
    ~Registration();

   private:
    SessionRegistry& registry_;
    Poco::Net::StreamSocket& socket_;
  };

  // Marks the server as stopping and wakes every registered session.
  void stopAll();
  bool stopping() const { return stopping_; }
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::set<Poco::Net::StreamSocket*> sockets_;
  std::atomic<bool> stopping_{false};
};

}  // namespace postamt::net
