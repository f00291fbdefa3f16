#include "net/SessionConnection.h"

#include <atomic>

namespace postamt::net {

std::string peerName(const Poco::Net::StreamSocket& socket) {
  try {
    const Poco::Net::SocketAddress peer = socket.peerAddress();
    return peer.family() == Poco::Net::SocketAddress::UNIX_LOCAL ? "local" : peer.host().toString();
  } catch (const Poco::Exception&) {
    return "gone";  // the client hung up before it was accepted; its first read will end the connection
  }
}

std::uint64_t nextConnectionNumber() {
  static std::atomic<std::uint64_t> last{0};
  return ++last;
}

}  // namespace postamt::net
