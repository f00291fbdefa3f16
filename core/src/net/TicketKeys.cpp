#include "net/TicketKeys.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include <cstring>
#include <stdexcept>

namespace postamt::net {
namespace {

// OpenSSL's callback has no argument of its own: the keys hang on each context they are installed on.
int keysIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

// What the callback answers OpenSSL (SSL_CTX_set_tlsext_ticket_key_evp_cb(3)).
constexpr int kFailed = -1;
constexpr int kUnknownKey = 0;  // no ticket issued, or a full handshake instead of resumption
constexpr int kSealedOrOpened = 1;
constexpr int kOpenedRenew = 2;  // opened, and the client gets a new ticket

}  // namespace

TicketKeys::TicketKeys(Clock::duration period)
    : period_(period),
      cipher_(EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr)),
      current_(freshKey()),
      previous_(freshKey()),
      currentSince_(Clock::now()) {
  if (cipher_ == nullptr) throw std::runtime_error("OpenSSL offers no AES-256-CBC for session tickets");
}

TicketKeys::~TicketKeys() {
  OPENSSL_cleanse(&current_, sizeof current_);
  OPENSSL_cleanse(&previous_, sizeof previous_);
  EVP_CIPHER_free(cipher_);
}

TicketKeys::Key TicketKeys::freshKey() {
  Key key;
  if (RAND_bytes(key.name.data(), static_cast<int>(key.name.size())) != 1 ||
      RAND_priv_bytes(key.cipherKey.data(), static_cast<int>(key.cipherKey.size())) != 1 ||
      RAND_priv_bytes(key.macKey.data(), static_cast<int>(key.macKey.size())) != 1) {
    throw std::runtime_error("OpenSSL's random generator failed to make a session ticket key");
  }
  return key;
}

void TicketKeys::install(SSL_CTX* context) {
  if (SSL_CTX_set_ex_data(context, keysIndex(), this) != 1 ||
      SSL_CTX_set_tlsext_ticket_key_evp_cb(context, &TicketKeys::onTicket) != 1) {
    throw std::runtime_error("cannot install the session ticket keys on a TLS context");
  }
}

void TicketKeys::rotate() {
  std::lock_guard lock(mutex_);
  rotateLocked();
}

void TicketKeys::rotateLocked() {
  previous_ = current_;
  current_ = freshKey();
  currentSince_ = Clock::now();
}

int TicketKeys::onTicket(SSL* ssl, unsigned char* name, unsigned char* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac,
                         int sealing) {
  auto* keys = static_cast<TicketKeys*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), keysIndex()));
  if (keys == nullptr) return sealing ? kFailed : kUnknownKey;
  try {
    if (sealing) return keys->seal(name, iv, cipher, mac);
    // RFC 8446 section C.4: a TLS 1.3 client should use a ticket once, so every resumption gets a new one (OpenSSL
    // issues none after a ticket opened with "1"). A TLS 1.2 ticket is renewed when its key is about to go.
    return keys->open(name, iv, cipher, mac, SSL_version(ssl) >= TLS1_3_VERSION);
  } catch (const std::exception&) {
    return kFailed;  // a new key could not be made; nothing may unwind through OpenSSL
  }
}

int TicketKeys::seal(unsigned char* name, unsigned char* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac) {
  if (RAND_bytes(iv, EVP_CIPHER_get_iv_length(cipher_)) != 1) return kFailed;
  std::lock_guard lock(mutex_);
  // Rotated by the handshakes themselves, so an idle server needs no timer.
  if (Clock::now() - currentSince_ >= period_) rotateLocked();
  std::memcpy(name, current_.name.data(), kNameLength);
  const bool ready = EVP_EncryptInit_ex2(cipher, cipher_, current_.cipherKey.data(), iv, nullptr) == 1 && initMac(mac, current_);
  return ready ? kSealedOrOpened : kFailed;
}

int TicketKeys::open(const unsigned char* name, const unsigned char* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac, bool renew) {
  std::lock_guard lock(mutex_);
  for (const Key* key : {&current_, &previous_}) {
    if (std::memcmp(name, key->name.data(), kNameLength) != 0) continue;
    if (EVP_DecryptInit_ex2(cipher, cipher_, key->cipherKey.data(), iv, nullptr) != 1 || !initMac(mac, *key)) return kFailed;
    return key == &current_ && !renew ? kSealedOrOpened : kOpenedRenew;
  }
  return kUnknownKey;
}

bool TicketKeys::initMac(EVP_MAC_CTX* mac, const Key& key) {
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
                               OSSL_PARAM_construct_end()};
  return EVP_MAC_init(mac, key.macKey.data(), key.macKey.size(), params) == 1;
}

}  // namespace postamt::net
