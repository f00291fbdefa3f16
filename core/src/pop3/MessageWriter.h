#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "pop3/Maildrop.h"
#include "pop3/ResponseSink.h"

namespace postamt::pop3 {

// Sends one message as a multi-line response (RFC 1939 RETR and TOP), read from the maildrop in chunks of at most
// kReadChunk octets: a message of any size costs the same memory, and a TOP stops reading once it has its lines.
class MessageWriter {
 public:
  static constexpr std::size_t kReadChunk = 256 * 1024;

  MessageWriter(Maildrop& maildrop, ResponseSink& sink);

  // Writes `statusLine` (with its CRLF), then message `index` byte-stuffed and terminated: whole when `topBodyLines`
  // is empty, else its header and that many body lines. The status line waits for the first read, so a store that
  // fails at once leaves nothing written. Returns the message octets sent, before byte-stuffing. Throws StoreError;
  // begun() then tells whether the response had started.
  std::uint64_t send(std::size_t index, std::string_view statusLine, std::optional<std::uint64_t> topBodyLines);
  bool begun() const;

 private:
  Maildrop& maildrop_;
  ResponseSink& sink_;
  bool begun_ = false;
};

}  // namespace postamt::pop3
