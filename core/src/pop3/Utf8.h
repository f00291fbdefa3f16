#pragma once

#include <string_view>

namespace postamt::pop3 {

// Whether every octet is US-ASCII: what a USER name must be before the client asked for UTF8 (RFC 6856 section 3).
bool isAscii(std::string_view text);

// Well-formed UTF-8 as RFC 3629 section 4 defines it: no overlong forms, no surrogates, nothing above U+10FFFF.
bool isUtf8(std::string_view text);

}  // namespace postamt::pop3
