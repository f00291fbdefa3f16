#pragma once

#include <optional>
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

// The octets that hex digits (either case) stand for; nothing for an odd count or another character.
inline std::optional<std::string> fromHex(std::string_view hex) {
  const auto value = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int high = value(hex[i]);
    const int low = value(hex[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes.push_back(static_cast<char>(high << 4 | low));
  }
  return bytes;
}

}  // namespace postamt::sasl
