#include "Connection.h"

#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace postamt::bench {
namespace {

constexpr std::size_t kReadChunk = 256 * 1024;
constexpr int kReadsPerCall = 4;

std::string errnoText(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

}  // namespace

Connection::Connection(const sockaddr_in& server, const std::optional<sockaddr_in>& source) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    error_ = errnoText("socket");
    return;
  }
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // commands are small; do not wait for Nagle
  if (source) {
    // The port is picked at connect, per destination, so a flood from one address is not limited to one port range.
    ::setsockopt(fd_, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&*source), sizeof *source) != 0) {
      error_ = errnoText("bind");
      ::close(fd_);
      fd_ = -1;
      return;
    }
  }
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&server), sizeof server) == 0) {
    connected_ = true;
  } else if (errno != EINPROGRESS) {
    error_ = errnoText("connect");
    ::close(fd_);
    fd_ = -1;
  }
}

Connection::~Connection() {
  if (fd_ >= 0) ::close(fd_);
}

bool Connection::finishConnect() {
  int failure = 0;
  socklen_t length = sizeof failure;
  if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &failure, &length) != 0) failure = errno;
  if (failure != 0) {
    error_ = std::string("connect: ") + std::strerror(failure);
    return false;
  }
  connected_ = true;
  return true;
}

Connection::Input Connection::receive() {
  // One scratch buffer for every connection: the run has a single thread, and
  // growing each input buffer by a whole chunk per read would cost more than the copy.
  static char scratch[kReadChunk];
  if (tls_ && tls_->started()) return receiveTls(scratch, sizeof scratch);
  for (int i = 0; i < kReadsPerCall; ++i) {
    const ssize_t n = ::recv(fd_, scratch, sizeof scratch, 0);
    // A reset is the server closing too, only harder (a refusing server may do either).
    if (n == 0 || (n < 0 && errno == ECONNRESET)) {
      peerClosed_ = true;
      return Input::Closed;
    }
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return Input::Open;
      error_ = errnoText("recv");
      return Input::Error;
    }
    compact();
    input_.append(scratch, static_cast<std::size_t>(n));
    if (static_cast<std::size_t>(n) < sizeof scratch) return Input::Open;
  }
  return Input::Open;
}

std::optional<std::string_view> Connection::line() {
  const std::string_view pending = std::string_view(input_).substr(head_);
  const auto end = pending.find("\r\n");
  if (end == std::string_view::npos) return std::nullopt;
  head_ += end + 2;
  return pending.substr(0, end);
}

bool Connection::body(DotTerminatedBody& body) {
  head_ += body.feed(std::string_view(input_).substr(head_));
  return body.done();
}

void Connection::send(std::string_view bytes) {
  if (sent_ == output_.size()) output_.clear(), sent_ = 0;
  output_.append(bytes);
}

// Moves the handshake on until it is complete; OpenSSL says what it waits for.
TlsConnection::Result Connection::handshake() {
  const auto step = tls_->handshake();
  if (step == TlsConnection::Result::Failed) error_ = tls_->error();
  return step;
}

Connection::Input Connection::receiveTls(char* scratch, std::size_t size) {
  if (const auto step = handshake(); step != TlsConnection::Result::Done) {
    return step == TlsConnection::Result::Failed ? Input::Error : Input::Open;
  }
  for (int i = 0; i < kReadsPerCall; ++i) {
    std::size_t got = 0;
    switch (tls_->read(scratch, size, got)) {
      case TlsConnection::Result::Done:
        compact();
        input_.append(scratch, got);
        break;
      case TlsConnection::Result::WantRead:
      case TlsConnection::Result::WantWrite:
        return Input::Open;
      case TlsConnection::Result::Closed:
        peerClosed_ = true;
        return Input::Closed;
      case TlsConnection::Result::Failed:
        error_ = tls_->error();
        return Input::Error;
    }
  }
  return Input::Open;
}

bool Connection::flushTls() {
  if (const auto step = handshake(); step != TlsConnection::Result::Done) return step != TlsConnection::Result::Failed;
  while (sent_ < output_.size()) {
    std::size_t put = 0;
    switch (tls_->write(output_.data() + sent_, output_.size() - sent_, put)) {
      case TlsConnection::Result::Done:
        sent_ += put;
        break;
      case TlsConnection::Result::WantRead:
      case TlsConnection::Result::WantWrite:
        return true;
      case TlsConnection::Result::Closed:
      case TlsConnection::Result::Failed:
        error_ = tls_->error().empty() ? "TLS: the server closed the connection" : tls_->error();
        return false;
    }
  }
  output_.clear();
  sent_ = 0;
  return true;
}

void Connection::finish() {
  if (tls_) tls_->finish();
}

bool Connection::flush() {
  if (tls_ && tls_->started()) return flushTls();
  while (sent_ < output_.size()) {
    const ssize_t n = ::send(fd_, output_.data() + sent_, output_.size() - sent_, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
      if (errno == EINTR) continue;
      error_ = errnoText("send");
      return false;
    }
    sent_ += static_cast<std::size_t>(n);
  }
  output_.clear();
  sent_ = 0;
  return true;
}

void Connection::compact() {
  if (head_ == input_.size()) {
    input_.clear();
    head_ = 0;
  } else if (head_ > input_.size() / 2) {
    input_.erase(0, head_);
    head_ = 0;
  }
}

}  // namespace postamt::bench
