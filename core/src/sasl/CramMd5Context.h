#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace postamt::sasl {

// What Dovecot stores as {CRAM-MD5}: not a hash of the password but the HMAC-MD5 key schedule of RFC 2104 with the
// password as key, i.e. the MD5 chaining values after the outer (key XOR opad) and the inner (key XOR ipad) block,
// each as four little-endian 32-bit words: 32 bytes. Enough to compute any HMAC-MD5 under that key (RFC 2195
// CRAM-MD5) without the password. Returns the 64 lower-case hex digits Dovecot writes after "{CRAM-MD5}".
std::string cramMd5Context(std::string_view password);

// HMAC-MD5(key, message) (RFC 2104) resumed from such a context (64 hex digits); nothing for a malformed context.
std::optional<std::string> hmacMd5FromContext(std::string_view contextHex, std::string_view message);

}  // namespace postamt::sasl
