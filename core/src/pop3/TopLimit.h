#pragma once

#include <cstdint>
#include <string_view>

namespace postamt::pop3 {

// RFC 1939 section 7, TOP msg n: passes a message's header, the blank line that ends it, then n lines of its body,
// and cuts everything after. Fed the message in chunks split anywhere. A message without a blank line is all header
// and passes whole.
class TopLimit {
 public:
  explicit TopLimit(std::uint64_t bodyLines);

  // The part of `chunk` to send: all of it, or a prefix once the limit is reached. Nothing after done().
  std::string_view take(std::string_view chunk);
  bool done() const;

 private:
  // Called at every LF; true when the line it ends is the last one to send.
  bool endLine();

  std::uint64_t bodyLinesLeft_;
  bool inHeader_ = true;
  std::uint64_t lineLength_ = 0;  // octets of the current line before its LF, seen so far
  bool lineStartsWithCr_ = false;
  bool done_ = false;
};

}  // namespace postamt::pop3
