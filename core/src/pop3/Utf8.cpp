#include "pop3/Utf8.h"

#include <algorithm>

namespace postamt::pop3 {

bool isAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool isUtf8(std::string_view text) {
  // RFC 3629 section 4, UTF8-2 to UTF8-4: the lead octet fixes the count of continuation octets and the range the
  // first of them may take, which is what rules out overlong forms and surrogates.
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t count = 0;
    unsigned char low = 0x80, high = 0xbf;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
      count = 1;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      count = 2;
      if (lead == 0xe0) low = 0xa0;
      if (lead == 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      count = 3;
      if (lead == 0xf0) low = 0x90;
      if (lead == 0xf4) high = 0x8f;
    } else {
      return false;
    }
    if (text.size() - i <= count) return false;
    for (std::size_t k = 1; k <= count; ++k) {
      const auto octet = static_cast<unsigned char>(text[i + k]);
      if (octet < (k == 1 ? low : 0x80) || octet > (k == 1 ? high : 0xbf)) return false;
    }
    i += count + 1;
  }
  return true;
}

}  // namespace postamt::pop3
