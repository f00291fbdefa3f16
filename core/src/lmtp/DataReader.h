#pragma once

#include <string_view>

namespace postamt::lmtp {

// Reads the message text that follows DATA's 354 up to the line that is "." alone (RFC 5321 section 4.1.1.4),
// undoing the dot-stuffing of section 4.5.2 on the way. A line passes through in pieces as it arrives, however long:
// text lines beyond the 1000 octets of section 4.5.3.1.6 do come (Postfix sends them), and the reader keeps nothing
// but its position in the line. Only CRLF ends a line (section 2.3.8): a bare LF is text, which the spool writes as
// CRLF. Ending lines, and so the message, at a bare LF let a sender hide "\n.\n" and a second transaction in a
// message that an MTA in front passed on as one (SMTP smuggling, CVE-2023-51764).
class DataReader {
 public:
  struct Piece {
    std::string_view text;  // message text to store: a view into the input (or a constant), used before input changes
    bool end = false;       // the "." line was consumed: the message is complete and the reader ready for the next
  };

  // Consumes a prefix of `input` and returns the message text in it; call again while input remains. Text from a
  // later line never comes with the end.
  Piece next(std::string_view& input);

 private:
  enum class Position { LineStart, AfterDot, AfterDotCr, InLine };
  Position position_ = Position::LineStart;
  bool afterCr_ = false;  // in a line, the last octet given out was CR: an LF first in the next input ends the line
};

}  // namespace postamt::lmtp
