#include "TlsClient.h"

#include <openssl/err.h>

#include <stdexcept>

namespace postamt::bench {

TlsClient::TlsClient(std::string serverName, bool resume, int slots)
    : serverName_(std::move(serverName)), resume_(resume), sessions_(static_cast<std::size_t>(slots)) {
  context_ = SSL_CTX_new(TLS_client_method());
  if (context_ == nullptr) throw std::runtime_error("SSL_CTX_new failed");
  // TLS 1.2 and 1.3, as both servers offer; anything older would not be a handshake a client makes today.
  SSL_CTX_set_min_proto_version(context_, TLS1_2_VERSION);
  SSL_CTX_set_verify(context_, SSL_VERIFY_NONE, nullptr);
  // The output buffer may grow between a partial write and its retry; a server may close without close_notify.
  SSL_CTX_set_mode(context_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_options(context_, SSL_OP_IGNORE_UNEXPECTED_EOF);
}

TlsClient::~TlsClient() {
  sessions_.clear();
  SSL_CTX_free(context_);
}

SSL* TlsClient::open(int fd, int slot) {
  SSL* ssl = SSL_new(context_);
  if (ssl == nullptr || SSL_set_fd(ssl, fd) != 1 || SSL_set_tlsext_host_name(ssl, serverName_.c_str()) != 1) {
    SSL_free(ssl);
    throw std::runtime_error("cannot set up a client SSL: " + std::string(ERR_reason_error_string(ERR_get_error())));
  }
  SSL_set_connect_state(ssl);
  if (SSL_SESSION* kept = resume_ ? sessions_[static_cast<std::size_t>(slot)].get() : nullptr) SSL_set_session(ssl, kept);
  return ssl;
}

void TlsClient::handshakeDone(SSL* ssl) {
  ++handshakes_;
  if (SSL_session_reused(ssl) == 1) ++resumed_;
}

void TlsClient::keepSession(int slot, SSL* ssl) {
  if (!resume_) return;
  SSL_SESSION* session = SSL_get1_session(ssl);
  if (session != nullptr && SSL_SESSION_is_resumable(session) != 1) {
    SSL_SESSION_free(session);
    return;  // the server issued no ticket: the slot offers its previous one again
  }
  if (session != nullptr) sessions_[static_cast<std::size_t>(slot)].reset(session);
}

}  // namespace postamt::bench
