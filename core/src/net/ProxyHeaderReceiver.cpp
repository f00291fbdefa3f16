#include "net/ProxyHeaderReceiver.h"

#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>

namespace postamt::net {

std::optional<ProxiedSource> receiveProxyHeader(const Poco::Net::StreamSocket& socket, std::chrono::seconds timeout) {
  // Raw reads on the descriptor: on a POP3S listener the socket is a TLS socket whose handshake has not begun, and
  // the header comes before it.
  const int fd = socket.impl()->sockfd();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::array<char, kMaxProxyV2Header> header;
  std::size_t have = 0;
  for (;;) {
    const ProxyHeader verdict = parseProxyHeader(std::string_view(header.data(), have));
    if (verdict.status == ProxyHeader::Status::Complete) return verdict.source;
    if (verdict.status == ProxyHeader::Status::Invalid) throw ProxyHeaderError(verdict.error);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd readable{fd, POLLIN, 0};
    const int ready = left.count() > 0 ? ::poll(&readable, 1, static_cast<int>(left.count())) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) throw ProxyHeaderError("no complete PROXY header within " + std::to_string(timeout.count()) + " s");
    const ssize_t n = ::recv(fd, header.data() + have, verdict.missing, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw ProxyHeaderError("the connection ended inside the PROXY header");
    have += static_cast<std::size_t>(n);
  }
}

}  // namespace postamt::net
