#include <gtest/gtest.h>

#include "FakeMaildrop.h"
#include "pop3/Transaction.h"

namespace postamt::pop3 {
namespace {

using test::FakeMaildrop;
using test::FakeStore;

class TransactionTest : public ::testing::Test {
 protected:
  TransactionTest() { store.messages = {{"a", "12345"}, {"b", "1234567"}, {"c", "123"}}; }
  FakeStore store;
};

TEST_F(TransactionTest, NumbersTheMessagesFromOne) {
  Transaction transaction(std::make_unique<FakeMaildrop>(store));
  EXPECT_EQ(transaction.count(), 3u);
  EXPECT_EQ(transaction.message(1).uidl, "a");
  EXPECT_EQ(transaction.message(3).size, 3u);
  EXPECT_EQ(transaction.remainingCount(), 3u);
  EXPECT_EQ(transaction.remainingSize(), 15u);
  EXPECT_TRUE(transaction.markedIndexes().empty());
}

// RFC 1939 section 5: marks never renumber, and marked messages leave the counts.
TEST_F(TransactionTest, MarkingKeepsNumbersAndLeavesTheCounts) {
  Transaction transaction(std::make_unique<FakeMaildrop>(store));
  transaction.markDeleted(2);
  transaction.markDeleted(2);
  EXPECT_EQ(transaction.count(), 3u);
  EXPECT_TRUE(transaction.deleted(2));
  EXPECT_FALSE(transaction.deleted(3));
  EXPECT_EQ(transaction.message(3).uidl, "c");
  EXPECT_EQ(transaction.remainingCount(), 2u);
  EXPECT_EQ(transaction.remainingSize(), 8u);
  transaction.markDeleted(3);
  EXPECT_EQ(transaction.markedIndexes(), (std::vector<std::size_t>{1, 2}));
}

TEST_F(TransactionTest, UnmarkAllRestoresEverything) {
  Transaction transaction(std::make_unique<FakeMaildrop>(store));
  transaction.markDeleted(1);
  transaction.markDeleted(3);
  transaction.unmarkAll();
  EXPECT_EQ(transaction.remainingCount(), 3u);
  EXPECT_EQ(transaction.remainingSize(), 15u);
  EXPECT_TRUE(transaction.markedIndexes().empty());
}

TEST_F(TransactionTest, OwnsTheMaildropAndSoItsLock) {
  {
    Transaction transaction(std::make_unique<FakeMaildrop>(store));
    EXPECT_TRUE(store.locked);
  }
  EXPECT_FALSE(store.locked);
}

}  // namespace
}  // namespace postamt::pop3
