#include "TlsConnection.h"

#include <openssl/err.h>

#include <cerrno>
#include <cstring>

namespace postamt::bench {

TlsConnection::TlsConnection(TlsClient& client, int fd, int slot) : client_(client), ssl_(client.open(fd, slot)), slot_(slot) {}

TlsConnection::~TlsConnection() { SSL_free(ssl_); }

TlsConnection::Result TlsConnection::classify(int returned) {
  waitsForWrite_ = false;
  switch (SSL_get_error(ssl_, returned)) {
    case SSL_ERROR_WANT_READ:
      return Result::WantRead;
    case SSL_ERROR_WANT_WRITE:
      waitsForWrite_ = true;
      return Result::WantWrite;
    case SSL_ERROR_ZERO_RETURN:
      return Result::Closed;
    case SSL_ERROR_SYSCALL:
      if (errno == 0 || errno == ECONNRESET) return Result::Closed;
      error_ = std::string("TLS: ") + std::strerror(errno);
      return Result::Failed;
    default: {
      char text[256];
      ERR_error_string_n(ERR_get_error(), text, sizeof text);
      error_ = std::string("TLS: ") + text;
      ERR_clear_error();
      return Result::Failed;
    }
  }
}

TlsConnection::Result TlsConnection::handshake() {
  if (established_) return Result::Done;
  ERR_clear_error();
  errno = 0;
  const int returned = SSL_do_handshake(ssl_);
  if (returned != 1) {
    const Result result = classify(returned);
    // A server that closes during the handshake refused it: that is a failed session, not a clean end.
    if (result == Result::Closed && error_.empty()) error_ = "TLS: the server closed the connection during the handshake";
    return result == Result::Closed ? Result::Failed : result;
  }
  waitsForWrite_ = false;
  established_ = true;
  client_.handshakeDone(ssl_);
  return Result::Done;
}

TlsConnection::Result TlsConnection::read(char* buffer, std::size_t size, std::size_t& got) {
  got = 0;
  ERR_clear_error();
  errno = 0;
  const int returned = SSL_read_ex(ssl_, buffer, size, &got);
  return returned == 1 ? Result::Done : classify(returned);
}

TlsConnection::Result TlsConnection::write(const char* data, std::size_t size, std::size_t& put) {
  put = 0;
  ERR_clear_error();
  errno = 0;
  const int returned = SSL_write_ex(ssl_, data, size, &put);
  return returned == 1 ? Result::Done : classify(returned);
}

void TlsConnection::finish() {
  if (!established_) return;
  // Without a shutdown OpenSSL marks the session not resumable when the SSL is freed (ssl_clear_bad_session).
  ERR_clear_error();
  SSL_shutdown(ssl_);
  ERR_clear_error();
  client_.keepSession(slot_, ssl_);
}

}  // namespace postamt::bench
