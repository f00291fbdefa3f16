#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string_view>

typedef struct evp_mac_ctx_st EVP_MAC_CTX;

namespace postamt::sasl {

// HMAC-SHA256 under a random key of this process: a fingerprint of secrets (a password with the hash it matched, a
// failed user and password pair) that can be compared, but neither reversed nor tested guesses against by anyone
// who reads it outside the process. Thread-safe once constructed.
class KeyedDigest {
 public:
  using Value = std::array<std::uint8_t, 32>;

  KeyedDigest();  // throws std::runtime_error when OpenSSL has no randomness
  ~KeyedDigest();
  KeyedDigest(const KeyedDigest&) = delete;
  KeyedDigest& operator=(const KeyedDigest&) = delete;

  // The digest of `parts` joined by NULs, so no two different lists of NUL-free parts share an input.
  Value of(std::initializer_list<std::string_view> parts) const;

  // For unordered containers: the digest is uniform already, so its first bytes serve.
  struct Hash {
    std::size_t operator()(const Value& value) const;
  };

 private:
  // HMAC-SHA256 with the key set up, copied for every digest and never used itself: setting up a MAC anew (fetching
  // it, hashing the key) is most of what one costs in OpenSSL 3.0, and every login takes two.
  EVP_MAC_CTX* keyed_ = nullptr;
};

}  // namespace postamt::sasl
