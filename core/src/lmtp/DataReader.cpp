#include "lmtp/DataReader.h"

namespace postamt::lmtp {

DataReader::Piece DataReader::next(std::string_view& input) {
  while (!input.empty()) {
    switch (position_) {
      case Position::LineStart:
        // The first dot of a line is never text: either the line is "." alone, or the dot was stuffed.
        if (input.front() == '.') {
          input.remove_prefix(1);
          position_ = Position::AfterDot;
        } else {
          position_ = Position::InLine;
        }
        break;
      case Position::AfterDot:
        if (input.front() == '\n') {
          input.remove_prefix(1);
          position_ = Position::LineStart;
          return {{}, true};
        }
        if (input.front() == '\r') {
          input.remove_prefix(1);
          position_ = Position::AfterDotCr;
          break;
        }
        position_ = Position::InLine;  // RFC 5321 section 4.5.2: the line went on, so its first dot is dropped
        break;
      case Position::AfterDotCr:
        position_ = Position::InLine;
        if (input.front() == '\n') {
          input.remove_prefix(1);
          position_ = Position::LineStart;
          return {{}, true};
        }
        return {"\r", false};  // ".\r" with more on the line: the CR was text
      case Position::InLine: {
        const auto lineEnd = input.find('\n');
        const auto length = lineEnd == std::string_view::npos ? input.size() : lineEnd + 1;
        const auto text = input.substr(0, length);
        input.remove_prefix(length);
        if (lineEnd != std::string_view::npos) position_ = Position::LineStart;
        return {text, false};
      }
    }
  }
  return {};
}

}  // namespace postamt::lmtp
