#pragma once

#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include "net/SessionRegistry.h"
#include "pop3/Authenticator.h"
#include "pop3/Session.h"

namespace postamt::net {

// One POP3 client on one pool thread: pumps bytes between the socket and a
// pop3::Session and runs its idle timer. Nothing protocol-specific lives here.
class Pop3Connection : public Poco::Net::TCPServerConnection {
 public:
  Pop3Connection(const Poco::Net::StreamSocket& socket, pop3::Authenticator& authenticator, const pop3::SessionSettings& settings,
                 SessionRegistry& registry);
  void run() override;

 private:
  pop3::Authenticator& authenticator_;
  pop3::SessionSettings settings_;
  SessionRegistry& registry_;
};

class Pop3ConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
 public:
  Pop3ConnectionFactory(pop3::Authenticator& authenticator, pop3::SessionSettings settings, SessionRegistry& registry)
      : authenticator_(authenticator), settings_(std::move(settings)), registry_(registry) {}

  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    return new Pop3Connection(socket, authenticator_, settings_, registry_);
  }

 private:
  pop3::Authenticator& authenticator_;
  pop3::SessionSettings settings_;
  SessionRegistry& registry_;
};

}  // namespace postamt::net
