#include "net/Pop3Connection.h"

#include <Poco/Logger.h>

#include "net/SocketResponseSink.h"

namespace postamt::net {
namespace {

// Reads are small on purpose: a command line is at most 255 octets, and a
// pipelined batch larger than this simply arrives in several reads.
constexpr int kReadChunk = 4096;

}  // namespace

Pop3Connection::Pop3Connection(const Poco::Net::StreamSocket& socket, pop3::Authenticator& authenticator,
                               const pop3::SessionSettings& settings, SessionRegistry& registry)
    : TCPServerConnection(socket), authenticator_(authenticator), settings_(settings), registry_(registry) {}

void Pop3Connection::run() {
  Poco::Net::StreamSocket& io = socket();
  SessionRegistry::Registration registration(registry_, io);
  Poco::Logger& log = Poco::Logger::get("pop3");
  try {
    settings_.remoteAddress = io.peerAddress().host().toString();
    // A client that never reads its RETR must not hold the thread forever.
    io.setSendTimeout(Poco::Timespan(settings_.idleTimeout.count(), 0));
    SocketResponseSink sink(io);
    pop3::Session session(authenticator_, settings_, sink);
    session.greet();
    sink.flush();
    char buffer[kReadChunk];
    while (!session.closed()) {
      if (registry_.stopping()) {
        session.stop();
        break;
      }
      const Poco::Timespan idle(session.idleTimeout().count(), 0);
      if (io.available() == 0 && !io.poll(idle, Poco::Net::Socket::SELECT_READ)) {
        session.timeOut();
        break;
      }
      const int n = io.receiveBytes(buffer, sizeof buffer);
      if (n <= 0) {
        if (registry_.stopping()) session.stop();
        break;
      }
      session.receive(std::string_view(buffer, static_cast<std::size_t>(n)));
      sink.flush();
    }
    sink.flush();
  } catch (const Poco::Exception& e) {
    // The client went away mid-response; the session closed and released
    // the maildrop without applying anything.
    log.debug("connection from %s ended: %s", settings_.remoteAddress, e.displayText());
  } catch (const std::exception& e) {
    log.error("connection from %s ended by an error: %s", settings_.remoteAddress, std::string(e.what()));
  }
}

}  // namespace postamt::net
