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

}  // namespace

bool sameSchemeName(std::string_view a, std::string_view b) {
  const auto upper = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; };
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [&](char x, char y) { return upper(x) == upper(y); });
}

std::optional<StoredNotation> parseStoredNotation(std::string_view stored) {
  if (stored.empty() || stored.front() != '{') return StoredNotation{"CRYPT", std::string(stored)};
  const std::size_t close = stored.find('}');
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view scheme = stored.substr(1, close - 1);
  const std::string_view payload = stored.substr(close + 1);
  std::optional<Encoding> written;
  if (const std::size_t dot = scheme.rfind('.'); dot != std::string_view::npos) {
    written = namedEncoding(scheme.substr(dot + 1));
    if (written) scheme = scheme.substr(0, dot);
  }
  const Encoding own = ownEncoding(scheme);
  // Without a suffix Dovecot tells hex from base64 by length, for a scheme whose payload has a fixed size.
  if (!written && own == Encoding::Hex && payload.size() != kCramMd5HexLength) written = Encoding::Base64;
  if (!written || *written == own) return StoredNotation{std::string(scheme), std::string(payload)};
  const auto bytes = decode(payload, *written);
  if (!bytes) return std::nullopt;
  return StoredNotation{std::string(scheme), encode(*bytes, own)};
}

}  // namespace postamt::sasl
