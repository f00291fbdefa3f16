#pragma once

#include <postamt/abi.h>

#include <cstdint>
#include <istream>
#include <stdexcept>

namespace postamt::delivery {

class SpoolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A message on its way into a store, kept in an anonymous temporary file so
// that even a huge one is never held in memory. While spooling, line ends are
// normalised to CRLF and a missing final line end is added: stored messages
// are CRLF-normalised so LIST sizes are exact and RETR is a straight stream
// (RFC 1939 section 3).
class MessageSpool {
 public:
  enum class LineEnds {
    // Bare LF and bare CR alike become CRLF: for delivered mail.
    kNormalise,
    // Only a bare LF gains its CR; a bare CR stays, and even an empty message
    // ends with CRLF. That is what Dovecot's RETR sends (pop3-commands.c), so
    // a message imported from Dovecot reads back byte for byte as before.
    kAsDovecotSends,
  };

  explicit MessageSpool(std::uint64_t maxSize, LineEnds lineEnds = LineEnds::kNormalise);
  ~MessageSpool();
  MessageSpool(const MessageSpool&) = delete;
  MessageSpool& operator=(const MessageSpool&) = delete;

  // Appends raw bytes; throws SpoolError past maxSize or on a disk error.
  void append(const char* data, std::size_t length);
  void appendStream(std::istream& in);
  // Ends the message: the final CRLF if missing. Call once before source().
  void finish();

  std::uint64_t size() const { return size_; }
  // Readable by a store during deliver(); valid while the spool lives.
  postamt_message_source source();

 private:
  void put(char c);
  void flushBuffer();

  int fd_ = -1;
  std::uint64_t maxSize_;
  LineEnds lineEnds_;
  std::uint64_t size_ = 0;
  char last_ = '\n';
  bool pendingCr_ = false;
  char buffer_[64 * 1024];
  std::size_t buffered_ = 0;
};

}  // namespace postamt::delivery
