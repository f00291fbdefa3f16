#include "sasl/KeyedDigest.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <utility>

namespace postamt::sasl {
namespace {

constexpr unsigned char kSeparator = '\0';

}  // namespace

KeyedDigest::KeyedDigest() {
  std::array<std::uint8_t, 32> key{};
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) throw std::runtime_error("no randomness for a keyed digest");
  EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  keyed_ = hmac != nullptr ? EVP_MAC_CTX_new(hmac) : nullptr;
  EVP_MAC_free(hmac);
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
                               OSSL_PARAM_construct_end()};
  const bool ready = keyed_ != nullptr && EVP_MAC_init(keyed_, key.data(), key.size(), params) == 1;
  OPENSSL_cleanse(key.data(), key.size());
  if (!ready) {
    EVP_MAC_CTX_free(keyed_);
    throw std::runtime_error("OpenSSL offers no HMAC-SHA256 for a keyed digest");
  }
}

KeyedDigest::~KeyedDigest() { EVP_MAC_CTX_free(keyed_); }

KeyedDigest::Value KeyedDigest::of(std::initializer_list<std::string_view> parts) const {
  // Copying the set-up context only reads it, so threads may digest at once.
  const std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> mac(EVP_MAC_CTX_dup(keyed_), EVP_MAC_CTX_free);
  if (!mac) throw std::runtime_error("cannot copy the keyed digest's MAC");
  bool first = true;
  for (const auto part : parts) {
    if (!std::exchange(first, false)) EVP_MAC_update(mac.get(), &kSeparator, 1);
    EVP_MAC_update(mac.get(), reinterpret_cast<const unsigned char*>(part.data()), part.size());
  }
  Value value{};
  std::size_t length = 0;
  if (EVP_MAC_final(mac.get(), value.data(), &length, value.size()) != 1) throw std::runtime_error("keyed digest failed");
  return value;
}

std::size_t KeyedDigest::Hash::operator()(const Value& value) const {
  std::size_t hash;
  std::memcpy(&hash, value.data(), sizeof hash);
  return hash;
}

}  // namespace postamt::sasl
