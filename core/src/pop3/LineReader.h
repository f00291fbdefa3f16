#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "pop3/Limits.h"

namespace postamt::pop3 {

// Splits the client's byte stream into command lines (RFC 1939 section 3, and LMTP's RFC 5321 section 2.3.8). Accepts
// CRLF and a bare LF as line end. Holds at most one line of the longest allowed length: the rest of a longer line is
// discarded as it arrives and the line is reported as too long once its end comes, so hostile input cannot grow memory.
class LineReader {
 public:
  // `maxLine` counts the CRLF, as RFC 2449 section 4 (POP3, 255) and RFC 5321 section 4.5.3.1.4 (LMTP, 512) do.
  explicit LineReader(std::size_t maxLine = kMaxCommandLine);

  struct Line {
    enum class Problem { None, TooLong, ContainsNul };
    std::string_view text;  // without the line end; empty unless problem is None; valid until the next call to next()
    Problem problem = Problem::None;
  };

  // Consumes `input` up to and including the next line end and returns that line. When no line ends in `input`,
  // consumes all of it, keeps the partial line for the next call and returns nothing.
  std::optional<Line> next(std::string_view& input);

  // Octets kept of a line whose end has not arrived yet; never more than maxLine.
  std::size_t buffered() const;

  // Changes the limit from the next line on: a SASL exchange allows longer client responses than commands
  // (RFC 5034 section 4). The memory held follows the limit down again.
  void setMaxLine(std::size_t maxLine);

 private:
  void keep(std::string_view part);
  void startLine();

  std::size_t maxLine_;
  std::size_t nextMaxLine_;
  // The LF is never stored, so a line of the longest allowed length needs room for its text and its CR only.
  std::vector<char> buffer_;
  std::size_t length_ = 0;
  bool tooLong_ = false;
  bool containsNul_ = false;
  bool lineReturned_ = false;
};

}  // namespace postamt::pop3
