// Which lines start a message in an mbox, as Dovecot decides it (mbox-from.c).
#include <gtest/gtest.h>

#include "migration/MboxFromLine.h"

namespace postamt::migration {
namespace {

TEST(MboxFromLine, AcceptsTheDateFormatsMtasWrite) {
  for (const char* line : {
           "From alice@example.test Thu Nov 29 22:33:52 2001",
           "From alice@example.test  Thu Nov  9 22:33:52 2001",  // a one-digit day after two spaces
           "From alice@example.test Thu Nov 9 22:33:52 2001",
           "From alice@example.test Thu Nov 29 22:33 2001",         // without seconds
           "From alice@example.test Thu Nov 29 22:33:52 EET 2001",  // a zone name before the year
           "From alice@example.test Thu Nov 29 22:33:52 2001 +0300", "From \"alice smith\"@example.test Thu Nov 29 22:33:52 2001",
           "From MAILER-DAEMON Thu, 29 Nov 2001 22:33:52",  // the other order
       }) {
    EXPECT_TRUE(parseMboxFromLine(line).has_value()) << line;
  }
}

TEST(MboxFromLine, AnythingElseBelongsToTheMessage) {
  for (const char* line : {
           "From here on, nothing in this line is a date at all",
           "From alice@example.test",
           "From alice@example.test Thu Nov 29",
           "From alice@example.test Thu Xyz 29 22:33:52 2001",
           "From alice@example.test Thu Nov 29 2:33:52 2001",
           ">From alice@example.test Thu Nov 29 22:33:52 2001",
           "from alice@example.test Thu Nov 29 22:33:52 2001",
       }) {
    EXPECT_FALSE(parseMboxFromLine(line).has_value()) << line;
  }
}

TEST(MboxFromLine, NumericOffsetGivesTheExactTime) {
  EXPECT_EQ(parseMboxFromLine("From a@example.test Thu Nov 14 10:00:00 2023 +0000"), 1699956000);
  EXPECT_EQ(parseMboxFromLine("From a@example.test Thu Nov 14 11:30:00 2023 +0130"), 1699956000);
  EXPECT_EQ(parseMboxFromLine("From a@example.test Tue Nov 14 08:00:00 2023 -0200"), 1699956000);
}

}  // namespace
}  // namespace postamt::migration
