#pragma once

#include <netinet/in.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "DotTerminatedBody.h"
#include "TlsConnection.h"

namespace postamt::bench {

// One non-blocking TCP client connection: what arrives is buffered for the
// dialogue to read as lines or as a multi-line body; what the dialogue sends
// is queued and written whenever the socket takes it. With TLS attached, both
// go through it once it is started: at once for implicit TLS, after STLS's +OK.
class Connection {
 public:
  enum class Input { Open, Closed, Error };

  // Starts a non-blocking connect, from `source` when given; on failure error() says why and fd() is -1.
  explicit Connection(const sockaddr_in& server, const std::optional<sockaddr_in>& source = std::nullopt);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  int fd() const { return fd_; }
  bool connected() const { return connected_; }
  // After the socket became writable while connecting: true when connected.
  bool finishConnect();
  const std::string& error() const { return error_; }

  // Reads what the socket has (bounded per call, so one busy connection cannot starve the others).
  Input receive();
  // The next complete line without its CRLF; valid until the next receive().
  std::optional<std::string_view> line();
  // Feeds buffered bytes to `body`; true once its terminator was consumed.
  bool body(DotTerminatedBody& body);
  std::size_t buffered() const { return input_.size() - head_; }

  void send(std::string_view bytes);
  // Writes what is queued; false when the socket failed (error() says why).
  bool flush();
  bool wantsWrite() const { return sent_ < output_.size() || (tls_ && tls_->wantsWrite()); }
  // True once the server closed its side (a refusal may end that way).
  bool peerClosed() const { return peerClosed_; }

  // TLS for this connection, started later by startTls().
  void attachTls(std::unique_ptr<TlsConnection> tls) { tls_ = std::move(tls); }
  // TLS is attached but not started: the dialogue asks for it with STLS first.
  bool tlsPending() const { return tls_ && !tls_->started(); }
  // From now on every byte goes through TLS; the handshake starts with the next flush().
  void startTls() { tls_->start(); }
  // The handshake is complete (always true without TLS).
  bool secure() const { return !tls_ || tls_->established(); }
  // The session ended as planned: a TLS connection says goodbye and keeps its session for resumption.
  void finish();

 private:
  void compact();
  TlsConnection::Result handshake();
  Input receiveTls(char* scratch, std::size_t size);
  bool flushTls();

  int fd_ = -1;
  bool connected_ = false;
  std::string error_;
  std::string input_;
  std::size_t head_ = 0;  // input_ before head_ was consumed
  std::string output_;
  std::size_t sent_ = 0;
  bool peerClosed_ = false;
  std::unique_ptr<TlsConnection> tls_;
};

}  // namespace postamt::bench
