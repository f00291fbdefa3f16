#include "sasl/KeyedDigest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

namespace postamt::sasl {

KeyedDigest::KeyedDigest() {
  if (RAND_bytes(key_.data(), static_cast<int>(key_.size())) != 1) throw std::runtime_error("no randomness for a keyed digest");
}

KeyedDigest::Value KeyedDigest::of(std::initializer_list<std::string_view> parts) const {
  std::string input;
  bool first = true;
  for (const auto part : parts) {
    if (!std::exchange(first, false)) input.push_back('\0');
    input.append(part);
  }
  Value value{};
  unsigned length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), reinterpret_cast<const unsigned char*>(input.data()),
       input.size(), value.data(), &length);
  OPENSSL_cleanse(input.data(), input.size());
  return value;
}

std::size_t KeyedDigest::Hash::operator()(const Value& value) const {
  std::size_t hash;
  std::memcpy(&hash, value.data(), sizeof hash);
  return hash;
}

}  // namespace postamt::sasl
