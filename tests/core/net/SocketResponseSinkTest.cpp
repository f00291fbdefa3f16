#include "net/SocketResponseSink.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <string>

namespace postamt::net {
namespace {

// A connected pair of loopback sockets: the sink writes to one end, the test
// reads what a client would receive from the other.
class SocketResponseSinkTest : public ::testing::Test {
 protected:
  SocketResponseSinkTest() : listener_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
    client_.connect(listener_.address());
    server_ = listener_.acceptConnection();
    client_.setReceiveTimeout(Poco::Timespan(5, 0));
  }

  std::string receive(std::size_t count) {
    std::string bytes(count, '\0');
    std::size_t got = 0;
    while (got < count) {
      const int n = client_.receiveBytes(bytes.data() + got, static_cast<int>(count - got));
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    bytes.resize(got);
    return bytes;
  }

  Poco::Net::ServerSocket listener_;
  Poco::Net::StreamSocket client_;
  Poco::Net::StreamSocket server_;
};

TEST_F(SocketResponseSinkTest, SmallWritesWaitForTheFlush) {
  SocketResponseSink sink(server_);
  sink.write("+OK\r\n");
  sink.write("+OK 2 320\r\n");
  EXPECT_FALSE(client_.poll(Poco::Timespan(0, 100'000), Poco::Net::Socket::SELECT_READ));
  sink.flush();
  EXPECT_EQ(receive(16), "+OK\r\n+OK 2 320\r\n");
}

TEST_F(SocketResponseSinkTest, ALargeWriteFollowsWhatWasBufferedBeforeIt) {
  SocketResponseSink sink(server_);
  const std::string chunk(200 * 1024, 'x');  // more than the flush threshold
  sink.write("+OK message follows\r\n");
  sink.write(chunk);
  sink.write(".\r\n");
  sink.flush();
  EXPECT_EQ(receive(21 + chunk.size() + 3), "+OK message follows\r\n" + chunk + ".\r\n");
}

}  // namespace
}  // namespace postamt::net
