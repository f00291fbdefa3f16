#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pop3/Authenticator.h"
#include "pop3/LoginThrottle.h"
#include "pop3/ResponseSink.h"
#include "pop3/SessionTally.h"
#include "pop3/TlsTransport.h"

namespace postamt::pop3 {

struct SessionSettings {
  std::string greetingHost = "postamt";
  std::string implementation = "Postamt";
  // RFC 1939 section 3: the autologout timer is at least 10 minutes once logged in.
  std::chrono::seconds idleTimeout{600};
  std::chrono::seconds loginTimeout{60};
  int maxBadCommands = 20;
  bool allowCleartextLogin = true;  // USER/PASS offered and accepted; the session turns it on once TLS starts
  bool apop = false;                // RFC 1939 section 7: a timestamp in the greeting, and the APOP command
  // The SASL mechanisms offered (RFC 5034), by name, as Dovecot's auth_mechanisms. A client takes the strongest it
  // knows and gives up when that one cannot work for its user (SCRAM needs SCRAM secrets, CRAM-MD5 plain or
  // CRAM-MD5 ones), so only what the stored passwords support belongs here.
  std::vector<std::string> saslMechanisms{"PLAIN", "LOGIN"};
  std::string remoteAddress;
  bool secure = false;  // the connection is encrypted (implicit TLS, or after STLS)
  // The brute-force defence shared by every session of the process; null: failures cost nothing.
  LoginThrottle* loginThrottle = nullptr;
};

// The POP3 session of RFC 1939 (with RFC 2449 CAPA and response codes) as a
// pure state machine: bytes in through receive(), responses out through the
// sink. No sockets, no clocks: the caller runs the idle timer.
class Session {
 public:
  enum class State { Authorization, Transaction, Update, Closed };

  // `tls` is the connection's way to TLS; without one (or once settings.secure) STLS is neither offered nor accepted.
  Session(Authenticator& authenticator, SessionSettings settings, ResponseSink& sink, TlsTransport* tls = nullptr);
  ~Session();  // releases the maildrop lock without applying deletions

  void greet();
  // Executes every complete command line in `bytes`, in order (RFC 2449
  // PIPELINING). Stops at QUIT or when the session closes itself.
  void receive(std::string_view bytes);
  // The idle timer fired (RFC 1939 section 3): close, apply nothing, say nothing.
  void timeOut();
  // The server is stopping: tell the client, close, apply nothing.
  void stop();

  State state() const;
  bool closed() const { return state() == State::Closed; }
  // Which idle timeout applies now: shorter before login than after.
  std::chrono::seconds idleTimeout() const;
  const SessionTally& tally() const;
  // How long the responses written since the last call must be held back before they go out: the penalty of the
  // login failures among them (zero if none). The caller holds them; the session has no clock.
  std::chrono::milliseconds takeReplyDelay();

 private:
  // Lets the unit tests check that hostile input stays within a fixed bound (tests/core/pop3/SessionTest.cpp).
  friend class SessionInspector;
  std::size_t bufferedInput() const;

  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace postamt::pop3
