#include "sasl/StoredNotation.h"

#include <algorithm>
#include <initializer_list>

#include "sasl/Base64.h"
#include "sasl/Hex.h"

namespace postamt::sasl {
namespace {

enum class Encoding { Text, Base64, Hex };

// CRAM-MD5 stores a 32-octet HMAC-MD5 context: 64 hex digits in its own encoding.
constexpr std::size_t kCramMd5HexLength = 64;

// The encoding a scheme's payload has when the notation names none (Dovecot's default_encoding).
Encoding ownEncoding(std::string_view scheme) {
  for (const std::string_view salted : {"SSHA", "SSHA256", "SSHA512"})
    if (sameSchemeName(scheme, salted)) return Encoding::Base64;
  return sameSchemeName(scheme, "CRAM-MD5") ? Encoding::Hex : Encoding::Text;
}

std::optional<Encoding> namedEncoding(std::string_view suffix) {
  if (sameSchemeName(suffix, "B64") || sameSchemeName(suffix, "BASE64")) return Encoding::Base64;
  if (sameSchemeName(suffix, "HEX")) return Encoding::Hex;
  return std::nullopt;
}

// A suffix names base64 or hex, never text.
std::optional<std::string> decode(std::string_view text, Encoding encoding) {
  return encoding == Encoding::Hex ? fromHex(text) : decodeBase64(text);
}

std::string encode(std::string_view bytes, Encoding encoding) {
  switch (encoding) {
    case Encoding::Base64:
      return encodeBase64(bytes);
    case Encoding::Hex:
      return toHex(bytes);
    case Encoding::Text:
      break;
  }
  return std::string(bytes);
}

struct Parts {
  std::string_view scheme;          // without the encoding suffix
  std::optional<Encoding> written;  // what the suffix names
  std::string_view payload;
};

// "{SCHEME[.SUFFIX]}payload" taken apart, a bare hash as CRYPT's; nothing when the brace is never closed.
std::optional<Parts> split(std::string_view stored) {
  if (stored.empty() || stored.front() != '{') return Parts{"CRYPT", std::nullopt, stored};
  const std::size_t close = stored.find('}');
  if (close == std::string_view::npos) return std::nullopt;
  Parts parts{stored.substr(1, close - 1), std::nullopt, stored.substr(close + 1)};
  if (const std::size_t dot = parts.scheme.rfind('.'); dot != std::string_view::npos) {
    parts.written = namedEncoding(parts.scheme.substr(dot + 1));
    if (parts.written) parts.scheme = parts.scheme.substr(0, dot);
  }
  return parts;
}

}  // namespace

bool sameSchemeName(std::string_view a, std::string_view b) {
  const auto upper = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; };
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [&](char x, char y) { return upper(x) == upper(y); });
}

std::optional<std::string_view> storedScheme(std::string_view stored) {
  const auto parts = split(stored);
  return parts ? std::optional(parts->scheme) : std::nullopt;
}

std::optional<StoredNotation> parseStoredNotation(std::string_view stored) {
  const auto parts = split(stored);
  if (!parts) return std::nullopt;
  const Encoding own = ownEncoding(parts->scheme);
  auto written = parts->written;
  // Without a suffix Dovecot tells hex from base64 by length, for a scheme whose payload has a fixed size.
  if (!written && own == Encoding::Hex && parts->payload.size() != kCramMd5HexLength) written = Encoding::Base64;
  if (!written || *written == own) return StoredNotation{std::string(parts->scheme), std::string(parts->payload)};
  const auto bytes = decode(parts->payload, *written);
  if (!bytes) return std::nullopt;
  return StoredNotation{std::string(parts->scheme), encode(*bytes, own)};
}

}  // namespace postamt::sasl
