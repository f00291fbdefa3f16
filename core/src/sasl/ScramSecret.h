#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace postamt::sasl {

// What a server keeps to check SCRAM-SHA-256 (RFC 5802 section 3, RFC 7677): the salt and iteration count, and
// the two keys derived from the salted password, never the password. Dovecot's notation, which `doveadm pw -s
// SCRAM-SHA-256` prints after "{SCRAM-SHA-256}": "iterations,base64(salt),base64(StoredKey),base64(ServerKey)".
struct ScramSecret {
  // RFC 7677 section 4 asks for at least 4096; the upper bound keeps one stored value from costing minutes.
  static constexpr std::uint32_t kMinIterations = 4096;
  static constexpr std::uint32_t kMaxIterations = 10'000'000;
  static constexpr std::size_t kKeyBytes = 32;  // SHA-256

  std::uint32_t iterations = kMinIterations;
  std::string salt;
  std::string storedKey;
  std::string serverKey;

  // Nothing unless all four fields are there and sane.
  static std::optional<ScramSecret> parse(std::string_view text);
  // RFC 5802 section 3: SaltedPassword := Hi(password, salt, i) (PBKDF2-HMAC-SHA-256), ClientKey := HMAC(
  // SaltedPassword, "Client Key"), StoredKey := H(ClientKey), ServerKey := HMAC(SaltedPassword, "Server Key").
  // The password is used as it is, without SASLprep, as Dovecot does, so the secrets it made keep working.
  static ScramSecret derive(std::string_view password, std::string salt, std::uint32_t iterations);
  std::string format() const;
};

// The primitives of RFC 5802 section 2.2 for SHA-256, from OpenSSL. Throw std::runtime_error if OpenSSL fails.
std::string sha256(std::string_view data);
std::string hmacSha256(std::string_view key, std::string_view data);
// Compares in time that depends only on the lengths.
bool equalSecrets(std::string_view a, std::string_view b);

}  // namespace postamt::sasl
