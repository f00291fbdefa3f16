#pragma once

#include <string_view>

namespace postamt::pop3 {

// Where a session writes its responses. The network layer buffers and sends;
// unit tests collect the bytes. May throw when the peer is gone.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  virtual void write(std::string_view bytes) = 0;
};

}  // namespace postamt::pop3
