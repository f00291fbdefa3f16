#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace postamt::sasl {

// RFC 4648 section 4 base64, as SASL exchanges carry it (RFC 5034 section 4). Decoding is strict: only the
// alphabet, padded to a multiple of four, no spaces or line breaks; anything else is nothing, so a client's
// garbage gets -ERR instead of a guess.
std::optional<std::string> decodeBase64(std::string_view text);
std::string encodeBase64(std::string_view bytes);

}  // namespace postamt::sasl
