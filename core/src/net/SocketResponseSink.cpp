#include "net/SocketResponseSink.h"

namespace postamt::net {

SocketResponseSink::SocketResponseSink(Poco::Net::StreamSocket& socket) : socket_(socket) {}

void SocketResponseSink::write(std::string_view bytes) {
  if (buffer_.size() + bytes.size() < kFlushThreshold) {
    buffer_.append(bytes);
    return;
  }
  // A large piece (a RETR's body chunk) goes out from where it lies: copying
  // it into the buffer first was a tenth of a big download's CPU.
  flush();
  send(bytes);
}

void SocketResponseSink::flush() {
  send(buffer_);
  buffer_.clear();
}

void SocketResponseSink::discard() { buffer_.clear(); }

void SocketResponseSink::send(std::string_view bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    // Blocks while the client does not read: the socket's send timeout ends a
    // client that stalls forever.
    const int n = socket_.sendBytes(bytes.data() + sent, static_cast<int>(bytes.size() - sent));
    if (n <= 0) throw Poco::Net::NetException("peer stopped accepting data");
    sent += static_cast<std::size_t>(n);
  }
}

}  // namespace postamt::net
