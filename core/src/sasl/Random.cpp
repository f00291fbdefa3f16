#include "sasl/Random.h"

#include <openssl/rand.h>

#include <stdexcept>

#include "sasl/Hex.h"

namespace postamt::sasl {

std::string randomBytes(std::size_t count) {
  std::string out(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1)
    throw std::runtime_error("no random bytes");
  return out;
}

std::string uniqueMessageId(std::string_view host) { return "<" + toHex(randomBytes(12)) + "@" + std::string(host) + ">"; }

}  // namespace postamt::sasl
