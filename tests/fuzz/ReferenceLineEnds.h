#pragma once

#include <string>
#include <string_view>

namespace postamt::fuzz {

// delivery::MessageSpool's two line-end policies written the plainest way, octet by octet from their definitions,
// as the reference the spool and the LMTP session are checked against.

// LineEnds::kNormalise: CRLF, a bare CR and a bare LF each become one CRLF (RFC 5322 section 2.3 allows no other line
// end), and a message that does not end in one gets one; an empty message stays empty.
inline std::string normalisedLineEnds(std::string_view text) {
  std::string out;
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (text[at] == '\r' || text[at] == '\n') {
      out += "\r\n";
      if (text[at] == '\r' && at + 1 < text.size() && text[at + 1] == '\n') ++at;
    } else {
      out += text[at];
    }
  }
  if (!out.empty() && out.back() != '\n') out += "\r\n";
  return out;
}

// LineEnds::kAsDovecotSends: an LF not preceded by CR gets one, a bare CR stays, and the message, even an empty one,
// ends with CRLF.
inline std::string dovecotLineEnds(std::string_view text) {
  std::string out;
  for (const char octet : text) {
    if (octet == '\n' && (out.empty() || out.back() != '\r')) out += '\r';
    out += octet;
  }
  if (out.empty() || out.back() != '\n') out += "\r\n";
  return out;
}

}  // namespace postamt::fuzz
