#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "migration/SourceFile.h"

namespace postamt::migration {

// Reads a file line by line from any offset. Only the first kKept octets of a
// line are kept: enough to recognise a From_ line or a header name, and a
// line of any length costs no more memory than that.
class LineScanner {
 public:
  static constexpr std::size_t kKept = 1024;

  struct Line {
    std::uint64_t offset = 0;
    std::uint64_t length = 0;  // with its line end; the file's last line may have none
    std::string head;          // the first octets, kKept at most, line end included when it fits
    bool crlf = false;         // ends with CRLF

    // The line without its line end, as far as it was kept.
    std::string_view text() const;
    bool blank() const { return length <= 2 && text().empty(); }
  };

  LineScanner(const SourceFile& file, std::uint64_t offset);

  // The next line; false at the end of the file.
  bool next(Line& line);

 private:
  bool fill();

  const SourceFile* file_;
  std::uint64_t bufferOffset_;  // the file offset of buffer_[begin_], the next octet to scan
  std::vector<char> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace postamt::migration
