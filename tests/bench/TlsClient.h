#pragma once

#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace postamt::bench {

// How sessions secure their connections: implicit TLS from the first byte (POP3S, RFC 8314 section 3.3), or
// STLS after the greeting (RFC 2595 section 4).
enum class TlsMode { None, Implicit, Stls };

// The client side of TLS for one run: one OpenSSL context, the server name every handshake sends (SNI, RFC 6066
// section 3), and, when resuming, the session each slot kept from its last connection. No certificate is verified:
// the benchmark's certificate is self-signed, and what is measured is the handshake, not the trust decision.
// Single-threaded, like the runner.
class TlsClient {
 public:
  // resume: each slot offers the session of its previous connection (a TLS 1.3 ticket, RFC 8446 section 2.2, or a
  // TLS 1.2 session); otherwise every handshake is a full one. Throws std::runtime_error when OpenSSL fails.
  TlsClient(std::string serverName, bool resume, int slots);
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  // A client SSL on `fd` for a connection of `slot`, its session offered when resuming.
  SSL* open(int fd, int slot);
  // The handshake of `slot` finished: counts it, and whether the server accepted the offered session.
  void handshakeDone(SSL* ssl);
  // The connection of `slot` ended cleanly: its session (the latest ticket) is kept for the slot's next one.
  void keepSession(int slot, SSL* ssl);

  std::uint64_t handshakes() const { return handshakes_; }
  std::uint64_t resumed() const { return resumed_; }

 private:
  struct SessionFree {
    void operator()(SSL_SESSION* session) const { SSL_SESSION_free(session); }
  };
  SSL_CTX* context_ = nullptr;
  std::string serverName_;
  bool resume_;
  std::vector<std::unique_ptr<SSL_SESSION, SessionFree>> sessions_;  // by slot
  std::uint64_t handshakes_ = 0;
  std::uint64_t resumed_ = 0;
};

}  // namespace postamt::bench
