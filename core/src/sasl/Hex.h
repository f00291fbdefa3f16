#pragma once

#include <string>
#include <string_view>

namespace postamt::sasl {

// Lower-case hex, as CRAM-MD5 (RFC 2195 section 2), APOP (RFC 1939 section 7) and Dovecot's {CRAM-MD5} write digests.
inline std::string toHex(std::string_view bytes) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (const char byte : bytes) {
    hex.push_back(kDigits[(static_cast<unsigned char>(byte) >> 4) & 0xf]);
    hex.push_back(kDigits[static_cast<unsigned char>(byte) & 0xf]);
  }
  return hex;
}

}  // namespace postamt::sasl
