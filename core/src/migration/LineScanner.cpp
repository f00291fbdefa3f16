#include "migration/LineScanner.h"

#include <algorithm>
#include <cstring>

namespace postamt::migration {

std::string_view LineScanner::Line::text() const {
  std::string_view kept(head);
  if (!kept.empty() && kept.back() == '\n') kept.remove_suffix(crlf ? 2 : 1);
  return kept;
}

LineScanner::LineScanner(const SourceFile& file, std::uint64_t offset)
    : file_(&file), bufferOffset_(offset), buffer_(64 * 1024) {}

bool LineScanner::fill() {
  if (begin_ < end_) return true;
  begin_ = 0;
  end_ = file_->read(bufferOffset_, buffer_.data(), buffer_.size());
  return end_ > 0;
}

bool LineScanner::next(Line& line) {
  line.offset = bufferOffset_;
  line.length = 0;
  line.head.clear();
  line.crlf = false;
  char last = '\0';  // the octet before the one being looked at
  while (fill()) {
    const char* start = buffer_.data() + begin_;
    const char* lf = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
    const std::size_t count = lf != nullptr ? static_cast<std::size_t>(lf - start) + 1 : end_ - begin_;
    line.head.append(start, std::min(count, kKept - std::min(kKept, line.head.size())));
    if (lf != nullptr) line.crlf = (count >= 2 ? lf[-1] : last) == '\r';
    last = start[count - 1];
    line.length += count;
    begin_ += count;
    bufferOffset_ += count;
    if (lf != nullptr) return true;
  }
  return line.length > 0;
}

}  // namespace postamt::migration
