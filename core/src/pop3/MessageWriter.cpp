#include "pop3/MessageWriter.h"

#include <algorithm>
#include <memory>

#include "pop3/DotStuffer.h"
#include "pop3/TopLimit.h"

namespace postamt::pop3 {

MessageWriter::MessageWriter(Maildrop& maildrop, ResponseSink& sink) : maildrop_(maildrop), sink_(sink) {}

std::uint64_t MessageWriter::send(std::size_t index, std::string_view statusLine, std::optional<std::uint64_t> topBodyLines) {
  // Allocated per message, not per session: an idle session must stay small. No larger than the message (plus the
  // one octet that shows a store's message ended where it was listed to), so a small one costs a small buffer.
  const std::uint64_t size = index < maildrop_.messages().size() ? maildrop_.messages()[index].size : kReadChunk;
  const std::size_t capacity = static_cast<std::size_t>(std::min<std::uint64_t>(kReadChunk, size + 1));
  const auto buffer = std::make_unique_for_overwrite<char[]>(capacity);
  const std::span<char> chunk(buffer.get(), capacity);
  std::optional<TopLimit> limit;
  if (topBodyLines) limit.emplace(*topBodyLines);

  std::uint64_t offset = 0;
  std::size_t length = maildrop_.read(index, offset, chunk);
  sink_.write(statusLine);
  begun_ = true;
  DotStuffer body(sink_);
  std::uint64_t sent = 0;
  while (length > 0) {
    offset += length;
    std::string_view bytes(chunk.data(), length);
    if (limit) bytes = limit->take(bytes);
    body.write(bytes);
    sent += bytes.size();
    if (limit && limit->done()) break;
    length = maildrop_.read(index, offset, chunk);
  }
  body.finish();
  return sent;
}

bool MessageWriter::begun() const { return begun_; }

}  // namespace postamt::pop3
