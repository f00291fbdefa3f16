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
          afterCr_ = false;
        }
        break;
      case Position::AfterDot:
        if (input.front() == '\r') {
          input.remove_prefix(1);
          position_ = Position::AfterDotCr;
          break;
        }
        position_ = Position::InLine;  // RFC 5321 section 4.5.2: the line went on, so its first dot is dropped
        afterCr_ = false;
        break;
      case Position::AfterDotCr:
        if (input.front() == '\n') {
          input.remove_prefix(1);
          position_ = Position::LineStart;
          return {{}, true};
        }
        position_ = Position::InLine;
        afterCr_ = true;
        return {"\r", false};  // ".\r" with more on the line: the CR was text
      case Position::InLine:
        for (std::size_t from = 0;;) {
          const auto lf = input.find('\n', from);
          if (lf == std::string_view::npos) {
            const auto text = input;
            input = {};
            afterCr_ = text.back() == '\r';
            return {text, false};
          }
          if (lf > 0 ? input[lf - 1] == '\r' : afterCr_) {
            const auto text = input.substr(0, lf + 1);
            input.remove_prefix(lf + 1);
            position_ = Position::LineStart;
            return {text, false};
          }
          from = lf + 1;  // a bare LF: the line goes on
        }
    }
  }
  return {};
}

}  // namespace postamt::lmtp
