#include "net/SessionConnection.h"

#include <poll.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>

namespace postamt::net {

std::string peerName(const Poco::Net::StreamSocket& socket) {
  try {
    const Poco::Net::SocketAddress peer = socket.peerAddress();
    return peer.family() == Poco::Net::SocketAddress::UNIX_LOCAL ? "local" : peer.host().toString();
  } catch (const Poco::Exception&) {
    return "gone";  // the client hung up before it was accepted; its first read will end the connection
  }
}

bool awaitReadable(int fd, std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const auto until = Clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now());
    pollfd watched{fd, POLLIN, 0};
    const int ready = ::poll(&watched, 1, static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, INT_MAX)));
    if (ready < 0 && errno == EINTR) continue;
    return ready != 0;  // data, a hang-up or an error: the read that follows tells which
  }
}

std::uint64_t nextConnectionNumber() {
  static std::atomic<std::uint64_t> last{0};
  return ++last;
}

}  // namespace postamt::net
