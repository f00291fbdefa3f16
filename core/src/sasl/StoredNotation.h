#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace postamt::sasl {

// A stored secret in Dovecot's notation (doveadm-pw(1), Dovecot's password-scheme.c): "{SCHEME}payload", where the
// scheme may end in ".B64" (or ".BASE64") or ".HEX", in any case, for a payload in that encoding instead of the
// scheme's own; a value without "{" is a bare crypt(3) hash.
struct StoredNotation {
  std::string scheme;   // as written, without an encoding suffix; CRYPT for a bare hash
  std::string payload;  // in the scheme's own encoding: base64 for SSHA, SSHA256, SSHA512; hex for CRAM-MD5; else text
};

// Nothing when the brace is never closed or the payload is not in the encoding named. An unknown suffix stays in
// the scheme's name, which then names no scheme, as in Dovecot.
std::optional<StoredNotation> parseStoredNotation(std::string_view stored);

// Only the scheme parseStoredNotation() would give, without decoding or copying anything; nothing when the brace is
// never closed.
std::optional<std::string_view> storedScheme(std::string_view stored);

// Whether two scheme names are the same: ASCII letters compare without regard to case, as in Dovecot.
bool sameSchemeName(std::string_view a, std::string_view b);

}  // namespace postamt::sasl
