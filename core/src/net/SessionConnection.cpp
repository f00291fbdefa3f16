#include "net/SessionConnection.h"

namespace postamt::net {

std::string peerName(const Poco::Net::StreamSocket& socket) {
  const Poco::Net::SocketAddress peer = socket.peerAddress();
  return peer.family() == Poco::Net::SocketAddress::UNIX_LOCAL ? "local" : peer.host().toString();
}

}  // namespace postamt::net
