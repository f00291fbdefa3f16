#include "pop3/TopLimit.h"

namespace postamt::pop3 {

TopLimit::TopLimit(std::uint64_t bodyLines) : bodyLinesLeft_(bodyLines) {}

std::string_view TopLimit::take(std::string_view chunk) {
  if (done_) return {};
  std::size_t lineStart = 0;
  for (auto lf = chunk.find('\n'); lf != std::string_view::npos; lf = chunk.find('\n', lineStart)) {
    if (lineLength_ == 0 && lf > lineStart) lineStartsWithCr_ = chunk[lineStart] == '\r';
    lineLength_ += lf - lineStart;
    lineStart = lf + 1;
    if (endLine()) {
      done_ = true;
      return chunk.substr(0, lineStart);
    }
  }
  if (lineLength_ == 0 && lineStart < chunk.size()) lineStartsWithCr_ = chunk[lineStart] == '\r';
  lineLength_ += chunk.size() - lineStart;
  return chunk;
}

bool TopLimit::done() const { return done_; }

bool TopLimit::endLine() {
  const bool blank = lineLength_ == 0 || (lineLength_ == 1 && lineStartsWithCr_);
  lineLength_ = 0;
  if (inHeader_) {
    // RFC 5322 section 2.1: the header ends at the first empty line.
    if (!blank) return false;
    inHeader_ = false;
    return bodyLinesLeft_ == 0;
  }
  return --bodyLinesLeft_ == 0;
}

}  // namespace postamt::pop3
