#include "pop3/LineReader.h"

#include <algorithm>

namespace postamt::pop3 {

LineReader::LineReader(std::size_t maxLine) : maxLine_(maxLine), nextMaxLine_(maxLine), buffer_(maxLine - 1) {}

std::optional<LineReader::Line> LineReader::next(std::string_view& input) {
  if (lineReturned_) startLine();
  const auto end = input.find('\n');
  keep(input.substr(0, end));
  if (end == std::string_view::npos) {
    input = {};
    return std::nullopt;
  }
  input.remove_prefix(end + 1);
  lineReturned_ = true;

  std::string_view text(buffer_.data(), length_);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  // The limit counts the CRLF; a line ended by a bare LF gets the same room for its text.
  if (tooLong_ || text.size() > maxLine_ - 2) return Line{{}, Line::Problem::TooLong};
  // RFC 1939 section 3: keywords and arguments are printable ASCII; a NUL could also cut the line short further on.
  if (containsNul_) return Line{{}, Line::Problem::ContainsNul};
  return Line{text, Line::Problem::None};
}

std::size_t LineReader::buffered() const { return lineReturned_ ? 0 : length_; }

void LineReader::setMaxLine(std::size_t maxLine) { nextMaxLine_ = maxLine; }

void LineReader::keep(std::string_view part) {
  if (part.find('\0') != std::string_view::npos) containsNul_ = true;
  if (tooLong_) return;
  if (length_ + part.size() > buffer_.size()) {
    tooLong_ = true;
    length_ = 0;
    return;
  }
  std::copy(part.begin(), part.end(), buffer_.begin() + static_cast<std::ptrdiff_t>(length_));
  length_ += part.size();
}

void LineReader::startLine() {
  // Applied here, not in setMaxLine(): the line last returned points into the buffer until the next call.
  if (nextMaxLine_ != maxLine_) {
    maxLine_ = nextMaxLine_;
    buffer_ = std::vector<char>(maxLine_ - 1);
  }
  length_ = 0;
  tooLong_ = false;
  containsNul_ = false;
  lineReturned_ = false;
}

}  // namespace postamt::pop3
