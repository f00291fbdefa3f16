// store-sqlite's statements kept per connection, on a real SQLite file.
#include "Sqlite.h"

#include <gtest/gtest.h>

#include "../PluginTesting.h"

namespace postamt::store_sqlite {
namespace {

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override { db_.exec("CREATE TABLE pairs (a INTEGER, b INTEGER)"); }

  testing::ScratchDatabase scratch_;
  Connection db_{scratch_.path(), 1000, Durability::Unsynced};
};

constexpr const char* kInsert = "INSERT INTO pairs (a, b) VALUES (?1, ?2)";
constexpr const char* kCount = "SELECT count(*), count(b) FROM pairs";

TEST_F(SqliteTest, AKeptStatementStartsWithNothingBoundFromItsLastUse) {
  {
    Statement insert(db_, kInsert);
    insert.bind(1, std::int64_t{1}).bind(2, std::int64_t{2}).step();
  }
  {
    Statement insert(db_, kInsert);
    insert.bind(1, std::int64_t{3}).step();  // ?2 not bound: NULL, not the 2 of the last use
  }
  Statement count(db_, kCount);
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.integer(0), 2);
  EXPECT_EQ(count.integer(1), 1);
}

TEST_F(SqliteTest, TheSameStatementUsedWhileInUseGetsOneOfItsOwn) {
  for (std::int64_t n = 0; n < 3; ++n) Statement(db_, kInsert).bind(1, n).bind(2, n).step();
  Statement outer(db_, "SELECT a FROM pairs ORDER BY a");
  ASSERT_TRUE(outer.step());
  EXPECT_EQ(outer.integer(0), 0);
  {
    Statement inner(db_, "SELECT a FROM pairs ORDER BY a");  // would reset the outer one if it were shared
    ASSERT_TRUE(inner.step());
    EXPECT_EQ(inner.integer(0), 0);
  }
  ASSERT_TRUE(outer.step());
  EXPECT_EQ(outer.integer(0), 1);
}

TEST_F(SqliteTest, AKeptStatementHoldsNoReadSnapshotOnceDone) {
  Statement(db_, kInsert).bind(1, std::int64_t{1}).step();
  {
    Statement count(db_, kCount);
    ASSERT_TRUE(count.step());  // a row in hand: this connection reads a snapshot now
  }
  // Another connection adds a row; a snapshot still held would not see it.
  Connection other(scratch_.path(), 1000, Durability::Unsynced);
  Statement(other, kInsert).bind(1, std::int64_t{2}).step();
  Statement count(db_, kCount);
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.integer(0), 2);
}

}  // namespace
}  // namespace postamt::store_sqlite
