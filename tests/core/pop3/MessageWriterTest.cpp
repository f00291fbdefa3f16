#include <gtest/gtest.h>

#include <string>

#include "FakeMaildrop.h"
#include "MultiLine.h"
#include "RecordingSink.h"
#include "pop3/MessageWriter.h"

namespace postamt::pop3 {
namespace {

using test::FakeMaildrop;
using test::FakeStore;
using test::RecordingSink;
using test::splitStatus;
using test::unstuff;

class MessageWriterTest : public ::testing::Test {
 protected:
  std::string send(std::size_t index, std::optional<std::uint64_t> topBodyLines = std::nullopt) {
    FakeMaildrop maildrop(store);
    MessageWriter writer(maildrop, sink);
    writer.send(index, "+OK\r\n", topBodyLines);
    EXPECT_TRUE(writer.begun());
    return sink.take();
  }

  FakeStore store;
  RecordingSink sink;
};

TEST_F(MessageWriterTest, SendsTheStatusLineTheStuffedMessageAndTheTerminator) {
  store.messages = {{"u", "S: x\r\n\r\n.dot\r\nend\r\n"}};
  EXPECT_EQ(send(0), "+OK\r\nS: x\r\n\r\n..dot\r\nend\r\n.\r\n");
}

TEST_F(MessageWriterTest, AnEmptyMessageIsTheStatusAndTheTerminator) {
  store.messages = {{"u", ""}};
  EXPECT_EQ(send(0), "+OK\r\n.\r\n");
}

TEST_F(MessageWriterTest, StuffsADotThatFallsAtTheStartOfARead) {
  const std::string body = "a\r\n.b\r\n.\r\n";
  store.messages = {{"u", body}};
  const auto whole = send(0);
  for (std::size_t served = 1; served <= body.size(); ++served) {
    store.servedPerRead = served;
    EXPECT_EQ(send(0), whole) << "served " << served;
  }
  EXPECT_EQ(unstuff(splitStatus(whole).second), body);
}

TEST_F(MessageWriterTest, NeverAsksTheStoreForMoreThanOneChunk) {
  store.messages = {{"u", std::string(3 * MessageWriter::kReadChunk + 17, 'x') + "\r\n"}};
  const auto response = send(0);
  EXPECT_EQ(store.largestReadBuffer, MessageWriter::kReadChunk);
  EXPECT_EQ(store.reads, 5u);  // four with data, one to see the end
  EXPECT_EQ(unstuff(splitStatus(response).second), store.messages[0].body);
}

TEST_F(MessageWriterTest, TopStopsReadingOnceItHasItsLines) {
  store.messages = {{"u", "S: x\r\n\r\nfirst\r\n" + std::string(4 * MessageWriter::kReadChunk, 'y') + "\r\n"}};
  store.servedPerRead = 8;
  EXPECT_EQ(send(0, 1), "+OK\r\nS: x\r\n\r\nfirst\r\n.\r\n");
  EXPECT_LE(store.reads, 2u);
}

TEST_F(MessageWriterTest, AFailedFirstReadWritesNothing) {
  store.messages = {{"u", "S: x\r\n\r\nbody\r\n"}};
  store.failReadsFromOffset = 0;
  FakeMaildrop maildrop(store);
  MessageWriter writer(maildrop, sink);
  EXPECT_THROW(writer.send(0, "+OK\r\n", std::nullopt), StoreError);
  EXPECT_FALSE(writer.begun());
  EXPECT_EQ(sink.bytes, "");
}

TEST_F(MessageWriterTest, AFailedLaterReadLeavesTheResponseBegunAndUnterminated) {
  store.messages = {{"u", "S: x\r\n\r\nbody\r\n"}};
  store.servedPerRead = 4;
  store.failReadsFromOffset = 4;
  FakeMaildrop maildrop(store);
  MessageWriter writer(maildrop, sink);
  EXPECT_THROW(writer.send(0, "+OK\r\n", std::nullopt), StoreError);
  EXPECT_TRUE(writer.begun());
  EXPECT_EQ(sink.bytes, "+OK\r\nS: x");
}

}  // namespace
}  // namespace postamt::pop3
