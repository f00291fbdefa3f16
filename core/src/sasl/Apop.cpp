#include "sasl/Apop.h"

#include <openssl/evp.h>

#include <stdexcept>
#include <string>

#include "sasl/Hex.h"
#include "sasl/ScramSecret.h"

namespace postamt::sasl {

bool apopDigestMatches(const StoredSecret& secret, std::string_view timestamp, std::string_view digest) {
  const auto password = storedPlain(secret);
  if (!password) return false;
  const std::string input = std::string(timestamp) + std::string(*password);
  unsigned char md5[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(input.data(), input.size(), md5, &length, EVP_md5(), nullptr) != 1) throw std::runtime_error("MD5 failed");
  std::string lower(digest);
  for (char& c : lower) c = c >= 'A' && c <= 'F' ? static_cast<char>(c - 'A' + 'a') : c;
  return equalSecrets(toHex(std::string_view(reinterpret_cast<const char*>(md5), length)), lower);
}

}  // namespace postamt::sasl
