#pragma once

#include <Poco/Logger.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include "net/SessionRegistry.h"
#include "net/SocketResponseSink.h"

namespace postamt::net {

// The address a session logs and hands to policies: the peer's IP, or
// "local" for a unix socket.
std::string peerName(const Poco::Net::StreamSocket& socket);

// One client on one pool thread: pumps bytes between the socket and a
// protocol session and runs its idle timer. Nothing protocol-specific lives
// here; pop3::Session and lmtp::Session have the same shape:
//   Session(Service&, Settings, ResponseSink&), greet(), receive(bytes),
//   timeOut(), stop(), closed(), idleTimeout(); Settings has remoteAddress.
template <typename Session, typename Service, typename Settings>
class SessionConnection : public Poco::Net::TCPServerConnection {
 public:
  SessionConnection(const Poco::Net::StreamSocket& socket, Service& service, const Settings& settings, SessionRegistry& registry)
      : TCPServerConnection(socket), service_(service), settings_(settings), registry_(registry) {}

  void run() override {
    Poco::Net::StreamSocket& io = socket();
    SessionRegistry::Registration registration(registry_, io);
    try {
      settings_.remoteAddress = peerName(io);
      // A client that never reads its responses must not hold the thread forever.
      io.setSendTimeout(Poco::Timespan(settings_.idleTimeout.count(), 0));
      SocketResponseSink sink(io);
      Session session(service_, settings_, sink);
      session.greet();
      sink.flush();
      pump(io, session, sink);
      sink.flush();
    } catch (const Poco::Exception& e) {
      // The client went away mid-response; the session closed without applying anything.
      Poco::Logger::get("net").debug("connection from %s ended: %s", settings_.remoteAddress, e.displayText());
    } catch (const std::exception& e) {
      Poco::Logger::get("net").error("connection from %s ended by an error: %s", settings_.remoteAddress, std::string(e.what()));
    }
  }

 private:
  // Small reads on purpose: a command line is short, and a pipelined batch
  // larger than this simply arrives in several reads.
  static constexpr int kReadChunk = 4096;

  void pump(Poco::Net::StreamSocket& io, Session& session, SocketResponseSink& sink) {
    char buffer[kReadChunk];
    while (!session.closed()) {
      if (registry_.stopping()) return session.stop();
      const Poco::Timespan idle(session.idleTimeout().count(), 0);
      if (io.available() == 0 && !io.poll(idle, Poco::Net::Socket::SELECT_READ)) return session.timeOut();
      const int n = io.receiveBytes(buffer, sizeof buffer);
      if (n <= 0) {
        if (registry_.stopping()) session.stop();
        return;
      }
      session.receive(std::string_view(buffer, static_cast<std::size_t>(n)));
      sink.flush();
    }
  }

  Service& service_;
  Settings settings_;
  SessionRegistry& registry_;
};

template <typename Session, typename Service, typename Settings>
class SessionConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
 public:
  SessionConnectionFactory(Service& service, Settings settings, SessionRegistry& registry)
      : service_(service), settings_(std::move(settings)), registry_(registry) {}

  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    return new SessionConnection<Session, Service, Settings>(socket, service_, settings_, registry_);
  }

 private:
  Service& service_;
  Settings settings_;
  SessionRegistry& registry_;
};

}  // namespace postamt::net
