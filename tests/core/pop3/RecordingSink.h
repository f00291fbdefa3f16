#pragma once

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "pop3/ResponseSink.h"

namespace postamt::pop3::test {

// Collects every byte a session writes, and the size of its largest single write.
class RecordingSink : public ResponseSink {
 public:
  std::string bytes;
  std::size_t largestWrite = 0;
  bool peerGone = false;  // set: every write throws, as a network sink does once the peer is gone

  void write(std::string_view data) override {
    if (peerGone) throw std::runtime_error("peer gone");
    largestWrite = std::max(largestWrite, data.size());
    bytes.append(data);
  }

  // The bytes written since the last call.
  std::string take() {
    std::string taken = bytes.substr(consumed_);
    consumed_ = bytes.size();
    return taken;
  }

 private:
  std::size_t consumed_ = 0;
};

}  // namespace postamt::pop3::test
