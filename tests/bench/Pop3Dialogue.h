#pragma once

#include <string>
#include <string_view>

#include "Dialogue.h"

namespace postamt::bench {

// The AUTHORIZATION state every POP3 dialogue starts with (RFC 1939 sections 4
// and 7): greeting, STLS and the handshake when the connection has TLS pending
// (RFC 2595 section 4), USER, PASS. Subclasses take over in the TRANSACTION state.
class Pop3Dialogue : public Dialogue {
 public:
  Pop3Dialogue(std::string user, std::string password);
  Step onInput(Connection& connection) final;
  bool established() const override { return phase_ == Phase::Transaction; }

 protected:
  // Logged in: queue the first TRANSACTION command.
  virtual Step begin(Connection& connection) = 0;
  // Input arrived in the TRANSACTION state: consume every complete reply.
  virtual Step transact(Connection& connection) = 0;
  // The status line must be positive (RFC 1939 section 3); otherwise the session failed.
  bool positive(std::string_view line, std::string_view command);

 private:
  enum class Phase { Greeting, Stls, Handshake, User, Pass, Transaction };
  void sendUser(Connection& connection);
  Phase phase_ = Phase::Greeting;
  std::string user_;
  std::string password_;
};

}  // namespace postamt::bench
