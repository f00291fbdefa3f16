#include "auth/VerifiedPasswords.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace postamt::auth {

VerifiedPasswords::VerifiedPasswords(std::size_t capacity, std::chrono::seconds timeToLive)
    : capacity_(capacity), timeToLive_(timeToLive) {
  if (RAND_bytes(secret_.data(), static_cast<int>(secret_.size())) != 1) throw std::runtime_error("no randomness for the password cache");
}

std::size_t VerifiedPasswords::KeyHash::operator()(const Key& key) const {
  std::size_t hash;
  std::memcpy(&hash, key.data(), sizeof hash);  // the key is already an HMAC: any of its bytes are uniform
  return hash;
}

VerifiedPasswords::Key VerifiedPasswords::keyOf(std::string_view stored, std::string_view password) const {
  // The stored hash and the password, separated by a NUL that neither holds, so no two pairs share an input.
  std::string input;
  input.reserve(stored.size() + 1 + password.size());
  input.append(stored).push_back('\0');
  input.append(password);
  Key key{};
  unsigned length = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()), reinterpret_cast<const unsigned char*>(input.data()),
       input.size(), key.data(), &length);
  OPENSSL_cleanse(input.data(), input.size());
  return key;
}

bool VerifiedPasswords::contains(std::string_view stored, std::string_view password) {
  const Key key = keyOf(stored, password);
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (capacity_ == 0) return false;
  auto found = current_.find(key);
  if (found == current_.end()) {
    const auto old = previous_.find(key);
    if (old == previous_.end()) return false;
    found = current_.insert(previous_.extract(old)).position;
  }
  if (found->second < now) {
    current_.erase(found);
    return false;
  }
  return true;
}

void VerifiedPasswords::remember(std::string_view stored, std::string_view password) {
  const Key key = keyOf(stored, password);
  const auto expires = std::chrono::steady_clock::now() + timeToLive_;
  std::lock_guard lock(mutex_);
  if (capacity_ == 0) return;
  if (current_.size() >= capacity_ / 2) {
    previous_ = std::move(current_);
    current_.clear();
  }
  current_[key] = expires;
}

void VerifiedPasswords::configure(std::size_t capacity, std::chrono::seconds timeToLive) {
  std::lock_guard lock(mutex_);
  capacity_ = capacity;
  timeToLive_ = timeToLive;
  current_.clear();
  previous_.clear();
}

VerifiedPasswords& verifiedPasswords() {
  static VerifiedPasswords cache(100000, std::chrono::hours(1));
  return cache;
}

}  // namespace postamt::auth
