#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "Expect.h"
#include "pop3/ResponseSink.h"

namespace postamt::fuzz {

// What a sink throws once its peer has gone.
struct PeerGone : std::runtime_error {
  PeerGone() : std::runtime_error("peer gone") {}
};

// The server's side of the wire as a strict client reads it: a sink that keeps what the session wrote only until
// it has been read back line by line, and fails the run on a line that does not end in CRLF (RFC 1939 section 3,
// RFC 5321 section 2.3.8). It can play a peer that goes away, as the network layer's sink reports one: by throwing.
class WireLines : public pop3::ResponseSink {
 public:
  // From now on, a write that would take the total past `octets` throws instead.
  void goAwayAfter(std::size_t octets) { goneAfter_ = octets; }

  void write(std::string_view bytes) override {
    if (written_ + bytes.size() > goneAfter_) throw PeerGone();
    pending_.append(bytes);
    written_ += bytes.size();
  }

  // The next complete line without its CRLF; nothing when no line end has come yet.
  std::optional<std::string> takeLine() {
    const auto lf = pending_.find('\n', read_);
    if (lf == std::string::npos) return std::nullopt;
    expect(lf > read_ && pending_[lf - 1] == '\r', "a response line ends in a bare LF", pending_.substr(read_, lf + 1 - read_));
    std::string line = pending_.substr(read_, lf - 1 - read_);
    read_ = lf + 1;
    if (read_ == pending_.size()) {
      pending_.clear();
      read_ = 0;
    }
    return line;
  }

  bool empty() const { return read_ == pending_.size(); }
  std::string_view unread() const { return std::string_view(pending_).substr(read_); }
  // Every octet ever written, read or not: what a closed session must no longer change.
  std::size_t written() const { return written_; }

 private:
  std::string pending_;
  std::size_t read_ = 0;
  std::size_t written_ = 0;
  std::size_t goneAfter_ = std::numeric_limits<std::size_t>::max();
};

}  // namespace postamt::fuzz
