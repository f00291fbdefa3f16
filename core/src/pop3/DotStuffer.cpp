#include "pop3/DotStuffer.h"

namespace postamt::pop3 {

DotStuffer::DotStuffer(ResponseSink& sink) : sink_(sink) {}

void DotStuffer::write(std::string_view bytes) {
  if (bytes.empty()) return;
  if (atLineStart_ && bytes.front() == '.') sink_.write(".");
  // Inside the chunk a line starts with a dot exactly where "\n." occurs: send up to the LF, add the extra dot, and
  // go on from the original dot. Lines without a dot pass through in one piece.
  std::size_t from = 0;
  for (auto lineEnd = bytes.find("\n.", from); lineEnd != std::string_view::npos; lineEnd = bytes.find("\n.", from)) {
    sink_.write(bytes.substr(from, lineEnd + 1 - from));
    sink_.write(".");
    from = lineEnd + 1;
  }
  sink_.write(bytes.substr(from));
  atLineStart_ = bytes.back() == '\n';
}

void DotStuffer::finish() {
  // Messages are stored CRLF-normalised, but one that is not must still leave the terminator on a line of its own.
  if (!atLineStart_) sink_.write("\r\n");
  sink_.write(".\r\n");
  atLineStart_ = true;
}

}  // namespace postamt::pop3
