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
  std::size_t have = 0;  // octets taken from the socket, all of them the header's
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd readable{fd, POLLIN, 0};
    const int ready = left.count() > 0 ? ::poll(&readable, 1, static_cast<int>(left.count())) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) throw ProxyHeaderError("no complete PROXY header within " + std::to_string(timeout.count()) + " s");
    // Looked at, not taken: only the parser knows where the header ends, and what follows belongs to the session.
    // Reading up to the parser's `missing` instead took a v1 line one octet (a poll and a recv) at a time.
    const ssize_t seen = ::recv(fd, header.data() + have, header.size() - have, MSG_PEEK);
    if (seen < 0 && errno == EINTR) continue;
    if (seen <= 0) throw ProxyHeaderError("the connection ended inside the PROXY header");
    const ProxyHeader verdict = parseProxyHeader(std::string_view(header.data(), have + static_cast<std::size_t>(seen)));
    if (verdict.status == ProxyHeader::Status::Invalid) throw ProxyHeaderError(verdict.error);
    // Incomplete: every octet seen lies within the header. Complete: the header ends `length` octets in, never
    // among the octets taken already (the fuzzer holds the parser to that); checked anyway, as a wrong length
    // here would read past the buffer.
    if (verdict.status == ProxyHeader::Status::Complete && verdict.length < have)
      throw ProxyHeaderError("the PROXY header ended inside octets already read");
    const std::size_t take =
        verdict.status == ProxyHeader::Status::Complete ? verdict.length - have : static_cast<std::size_t>(seen);
    for (std::size_t taken = 0; taken < take;) {
      const ssize_t n = ::recv(fd, header.data() + have + taken, take - taken, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw ProxyHeaderError("the connection ended inside the PROXY header");
      taken += static_cast<std::size_t>(n);
    }
    have += take;
    if (verdict.status == ProxyHeader::Status::Complete) return verdict.source;
  }
}

}  // namespace postamt::net
