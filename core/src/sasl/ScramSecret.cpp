#include "sasl/ScramSecret.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <charconv>
#include <stdexcept>
#include <vector>

#include "sasl/Base64.h"

namespace postamt::sasl {
namespace {

const unsigned char* bytes(std::string_view data) { return reinterpret_cast<const unsigned char*>(data.data()); }

std::vector<std::string_view> fields(std::string_view text) {
  std::vector<std::string_view> parts;
  for (auto comma = text.find(','); comma != std::string_view::npos; comma = text.find(',')) {
    parts.push_back(text.substr(0, comma));
    text.remove_prefix(comma + 1);
  }
  parts.push_back(text);
  return parts;
}

}  // namespace

std::optional<ScramSecret> ScramSecret::parse(std::string_view text) {
  const auto parts = fields(text);
  if (parts.size() != 4) return std::nullopt;
  ScramSecret secret;
  const auto* end = parts[0].data() + parts[0].size();
  const auto [stop, error] = std::from_chars(parts[0].data(), end, secret.iterations);
  if (parts[0].empty() || error != std::errc{} || stop != end) return std::nullopt;
  if (secret.iterations < 1 || secret.iterations > kMaxIterations) return std::nullopt;
  auto salt = decodeBase64(parts[1]);
  auto storedKey = decodeBase64(parts[2]);
  auto serverKey = decodeBase64(parts[3]);
  if (!salt || salt->empty() || !storedKey || storedKey->size() != kKeyBytes || !serverKey || serverKey->size() != kKeyBytes)
    return std::nullopt;
  secret.salt = std::move(*salt);
  secret.storedKey = std::move(*storedKey);
  secret.serverKey = std::move(*serverKey);
  return secret;
}

ScramSecret ScramSecret::derive(std::string_view password, std::string salt, std::uint32_t iterations) {
  std::string salted(kKeyBytes, '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), bytes(salt), static_cast<int>(salt.size()),
                        static_cast<int>(iterations), EVP_sha256(), static_cast<int>(salted.size()),
                        reinterpret_cast<unsigned char*>(salted.data())) != 1)
    throw std::runtime_error("PBKDF2 failed");
  ScramSecret secret;
  secret.iterations = iterations;
  secret.salt = std::move(salt);
  secret.storedKey = sha256(hmacSha256(salted, "Client Key"));
  secret.serverKey = hmacSha256(salted, "Server Key");
  OPENSSL_cleanse(salted.data(), salted.size());
  return secret;
}

std::string ScramSecret::format() const {
  return std::to_string(iterations) + "," + encodeBase64(salt) + "," + encodeBase64(storedKey) + "," + encodeBase64(serverKey);
}

std::string sha256(std::string_view data) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  if (SHA256(bytes(data), data.size(), reinterpret_cast<unsigned char*>(digest.data())) == nullptr)
    throw std::runtime_error("SHA-256 failed");
  return digest;
}

std::string hmacSha256(std::string_view key, std::string_view data) {
  std::string mac(SHA256_DIGEST_LENGTH, '\0');
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes(data), data.size(),
           reinterpret_cast<unsigned char*>(mac.data()), &length) == nullptr)
    throw std::runtime_error("HMAC-SHA-256 failed");
  mac.resize(length);
  return mac;
}

bool equalSecrets(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace postamt::sasl
