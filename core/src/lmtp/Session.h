#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lmtp/DeliveryAgent.h"
#include "lmtp/SessionTally.h"
#include "pop3/ResponseSink.h"

namespace postamt::lmtp {

struct SessionSettings {
  std::string hostname = "postamt";
  std::uint64_t maxMessageSize = 50ull * 1024 * 1024;  // RFC 1870 SIZE, checked on MAIL FROM and while reading DATA
  std::size_t maxRecipients = 1000;
  std::chrono::seconds idleTimeout{300};  // RFC 5321 section 4.5.3.2 server timeout: 5 minutes
  int maxBadCommands = 20;
  std::string remoteAddress;
};

// The LMTP server side of RFC 2033 (with RFC 1870 SIZE, RFC 2034
// ENHANCEDSTATUSCODES, RFC 2920 PIPELINING, RFC 6152 8BITMIME) as a pure state
// machine: bytes in through receive(), replies out through the sink, no
// sockets. The same shape as pop3::Session, so one connection pump serves both.
class Session {
 public:
  Session(DeliveryAgent& agent, SessionSettings settings, pop3::ResponseSink& sink);
  ~Session();

  void greet();
  void receive(std::string_view bytes);
  void timeOut();  // idle timer fired: 421 4.4.2 and close; a transaction in progress is dropped
  void stop();     // server stopping: 421 4.3.2 and close
  bool closed() const;
  std::chrono::seconds idleTimeout() const;
  const SessionTally& tally() const;

 private:
  // Lets the unit tests check that hostile input stays within a fixed bound (tests/core/lmtp/SessionTest.cpp).
  friend class SessionInspector;
  std::size_t bufferedInput() const;

  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace postamt::lmtp
