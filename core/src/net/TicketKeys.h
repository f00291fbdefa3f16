#pragma once

#include <openssl/types.h>

#include <array>
#include <chrono>
#include <mutex>

namespace postamt::net {

// The keys that seal TLS session tickets (RFC 5077 section 4; RFC 8446 section 4.6.1 leaves the format to the
// server, and OpenSSL seals both alike). OpenSSL's own keys live as long as the process, so a key read from its
// memory would open every ticket issued since the start. Here a new key seals the tickets of each period and the key
// before it still opens them: a ticket resumes a session for one to two periods, then its client makes a full
// handshake. The cipher and MAC are fetched once, where OpenSSL 3.0 fetches them for every ticket. Thread-safe.
class TicketKeys {
 public:
  using Clock = std::chrono::steady_clock;

  explicit TicketKeys(Clock::duration period);
  ~TicketKeys();
  TicketKeys(const TicketKeys&) = delete;
  TicketKeys& operator=(const TicketKeys&) = delete;

  // Seals and opens the tickets of handshakes on `context`, and of any context a handshake switches to; these keys
  // must outlive the context.
  void install(SSL_CTX* context);

  // Starts the next period now: tickets sealed before the previous rotation no longer open.
  void rotate();

 private:
  static constexpr std::size_t kNameLength = 16;  // OpenSSL's ticket key name, sent in the clear with the ticket
  struct Key {
    std::array<unsigned char, kNameLength> name;
    std::array<unsigned char, 32> cipherKey;  // AES-256-CBC
    std::array<unsigned char, 32> macKey;     // HMAC-SHA256
  };

  static int onTicket(SSL* ssl, unsigned char* name, unsigned char* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac, int sealing);
  int seal(unsigned char* name, unsigned char* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac);
  int open(const unsigned char* name, const unsigned char* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac, bool renew);
  void rotateLocked();
  static bool initMac(EVP_MAC_CTX* mac, const Key& key);
  static Key freshKey();

  const Clock::duration period_;
  EVP_CIPHER* cipher_;
  std::mutex mutex_;
  Key current_;
  Key previous_;
  Clock::time_point currentSince_;
};

}  // namespace postamt::net
