#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <string>

#include "TlsClient.h"

namespace postamt::bench {

// TLS over one non-blocking socket, driven by the runner's epoll loop: OpenSSL does the protocol
// (SSL_do_handshake, SSL_read, SSL_write), this class turns its SSL_ERROR_WANT_* answers into what the socket must
// wait for. The handshake runs implicitly on the first read or write after start().
class TlsConnection {
 public:
  enum class Result { Done, WantRead, WantWrite, Closed, Failed };

  TlsConnection(TlsClient& client, int fd, int slot);
  ~TlsConnection();
  TlsConnection(const TlsConnection&) = delete;
  TlsConnection& operator=(const TlsConnection&) = delete;

  void start() { started_ = true; }
  bool started() const { return started_; }
  bool established() const { return established_; }
  // True while OpenSSL waits for the socket to take bytes (the ClientHello before anything was sent, or a write).
  bool wantsWrite() const { return started_ && waitsForWrite_; }

  // Moves the handshake on; Done once it is complete.
  Result handshake();
  // Reads up to `size` decrypted bytes into `buffer`; `got` says how many (Done only when got > 0).
  Result read(char* buffer, std::size_t size, std::size_t& got);
  // Writes up to `size` bytes; `put` says how many were taken.
  Result write(const char* data, std::size_t size, std::size_t& put);
  // The session ended as planned: tell the server (close_notify, RFC 8446 section 6.1) and keep its ticket.
  void finish();
  const std::string& error() const { return error_; }

 private:
  Result classify(int returned);

  TlsClient& client_;
  SSL* ssl_;
  int slot_;
  bool started_ = false;
  bool established_ = false;
  bool waitsForWrite_ = true;
  std::string error_;
};

}  // namespace postamt::bench
