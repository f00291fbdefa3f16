// An mbox read as Dovecot reads it (istream-raw-mbox.c, mbox-sync-parse.c,
// mbox-storage.c): where messages start and end, which headers Dovecot
// hides, which UIDs it gives.
#include <gtest/gtest.h>

#include "MigrationTesting.h"
#include "migration/DovecotMbox.h"
#include "migration/SourceError.h"

namespace postamt::migration {
namespace {

using testing::imported;
using testing::ScratchDirectory;

const std::string kFrom = "From a@example.test Thu Nov 14 10:00:00 2023 +0000\n";

class DovecotMboxTest : public ::testing::Test {
 protected:
  DovecotMbox mbox(const std::string& data) { return DovecotMbox(scratch_.write("inbox", data).string()); }

  ScratchDirectory scratch_;
};

TEST_F(DovecotMboxTest, EmptyFileIsAnEmptyMbox) { EXPECT_TRUE(mbox("").messages().empty()); }

TEST_F(DovecotMboxTest, FileNotBeginningWithAFromLineIsRefused) {
  EXPECT_THROW(mbox("Subject: x\n\nbody\n"), SourceError);
  EXPECT_THROW(mbox("From nobody at all\n"), SourceError);
}

TEST_F(DovecotMboxTest, LineEndBeforeTheNextFromLineBelongsToTheMbox) {
  const DovecotMbox box =
      mbox(kFrom + "Subject: one\n\nbody\n\n" + kFrom + "Subject: two\n\nno blank line\n" + kFrom + "Subject: three\n\nlast\n");
  ASSERT_EQ(box.messages().size(), 3u);
  EXPECT_EQ(imported(box, 0), "Subject: one\r\n\r\nbody\r\n");
  EXPECT_EQ(imported(box, 1), "Subject: two\r\n\r\nno blank line\r\n");
  EXPECT_EQ(imported(box, 2), "Subject: three\r\n\r\nlast\r\n");
  EXPECT_EQ(box.messages()[0].receivedAt, 1699956000);
}

TEST_F(DovecotMboxTest, CrlfMboxLosesTheCrlfBeforeTheNextFromLine) {
  const DovecotMbox box = mbox(
      "From a@example.test Thu Nov 14 10:00:00 2023\r\nSubject: one\r\n\r\nbody\r\n\r\n"
      "From a@example.test Thu Nov 14 10:00:00 2023\r\nSubject: two\r\n\r\nlast\r\n");
  ASSERT_EQ(box.messages().size(), 2u);
  EXPECT_EQ(imported(box, 0), "Subject: one\r\n\r\nbody\r\n");
  EXPECT_EQ(imported(box, 1), "Subject: two\r\n\r\nlast\r\n");
}

TEST_F(DovecotMboxTest, QuotedAndInvalidFromLinesStayInTheBody) {
  const DovecotMbox box = mbox(kFrom + "Subject: x\n\n>From quoted\n>>From twice\nFrom here on no date\n");
  ASSERT_EQ(box.messages().size(), 1u);
  // Dovecot unescapes neither mboxrd nor mboxo: clients saw the '>'.
  EXPECT_EQ(imported(box, 0), "Subject: x\r\n\r\n>From quoted\r\n>>From twice\r\nFrom here on no date\r\n");
}

TEST_F(DovecotMboxTest, DovecotsOwnHeadersAreHiddenWithTheirContinuations) {
  const DovecotMbox box = mbox(kFrom +
                               "X-IMAPbase: 1700000000 3 $Junk\nReceived: by mx\n\tfor <a@example.test>\nStatus: RO\n"
                               "X-Status: A\nX-Keywords: $Junk\n  $Later\nx-uid: 2\nContent-Length: 5\nX-UIDL: abc\n"
                               "Subject: kept\n\nbody\n");
  ASSERT_EQ(box.messages().size(), 1u);
  EXPECT_EQ(imported(box, 0), "Received: by mx\r\n\tfor <a@example.test>\r\nX-UIDL: abc\r\nSubject: kept\r\n\r\nbody\r\n");
}

TEST_F(DovecotMboxTest, ContentLengthThatEndsAtAFromLineTakesInFromLinesOfTheBody) {
  const std::string body = "line\n" + kFrom + "more\n";
  const DovecotMbox box =
      mbox(kFrom + "Content-Length: " + std::to_string(body.size()) + "\n\n" + body + "\n" + kFrom + "Subject: next\n\nx\n");
  ASSERT_EQ(box.messages().size(), 2u);
  EXPECT_EQ(imported(box, 0), "\r\nline\r\n" + kFrom.substr(0, kFrom.size() - 1) + "\r\nmore\r\n");
  EXPECT_EQ(imported(box, 1), "Subject: next\r\n\r\nx\r\n");
}

TEST_F(DovecotMboxTest, ContentLengthThatEndsElsewhereIsIgnored) {
  const DovecotMbox box = mbox(kFrom + "Content-Length: 999\n\nline\n\n" + kFrom + "Subject: next\n\nx\n");
  ASSERT_EQ(box.messages().size(), 2u);
  EXPECT_EQ(imported(box, 0), "\r\nline\r\n");
}

TEST_F(DovecotMboxTest, UidsFollowXUidAndXImapbaseAsDovecotsSyncGivesThem) {
  const DovecotMbox box = mbox(kFrom + "X-IMAPbase: 1234567890 10\nX-UID: 4\n\na\n\n" +  // as written
                               kFrom + "X-UID: 3\n\nb\n\n" +                             // not above 4: broken
                               kFrom + "\nc\n\n" +                                       // none
                               kFrom + "X-UID: 20\n\nd\n\n" +                            // above next UID
                               kFrom + "X-UID: junk\n\ne\n");
  ASSERT_EQ(box.messages().size(), 5u);
  // 1234567890 is 0x499602d2.
  const std::vector<std::string> expected = {"00000004499602d2", "0000000b499602d2", "0000000c499602d2", "00000014499602d2",
                                             "00000015499602d2"};
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(box.messages()[i].uidl, expected[i]) << i;
  EXPECT_TRUE(box.notes().empty());
}

TEST_F(DovecotMboxTest, XUidlHeaderWinsAndIsNoted) {
  const DovecotMbox box = mbox(kFrom + "X-IMAPbase: 1234567890 1\nX-UID: 1\nX-UIDL: first-one\nX-UIDL: second\n\na\n");
  ASSERT_EQ(box.messages().size(), 1u);
  EXPECT_EQ(box.messages()[0].uidl, "first-one");
  ASSERT_EQ(box.notes().size(), 1u);
  EXPECT_NE(box.notes()[0].find("pop3_reuse_xuidl"), std::string::npos);
}

TEST_F(DovecotMboxTest, FolderInternalDataMessageIsNotListed) {
  const DovecotMbox box = mbox(kFrom +
                               "Subject: DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA\nX-IMAP: 1234567890 5\n\n"
                               "internal\n\n" +
                               kFrom + "X-UID: 5\n\nreal\n");
  ASSERT_EQ(box.messages().size(), 1u);
  EXPECT_EQ(box.messages()[0].uidl, "00000005499602d2");
  EXPECT_EQ(imported(box, 0), "\r\nreal\r\n");
}

TEST_F(DovecotMboxTest, MboxDovecotNeverNumberedGetsStableUidlsAndANote) {
  const std::string data = kFrom + "Subject: a\n\na\n\n" + kFrom + "Subject: b\n\nb\n";
  const DovecotMbox once = mbox(data);
  const DovecotMbox again = mbox(data);
  ASSERT_EQ(once.messages().size(), 2u);
  EXPECT_EQ(once.messages()[0].uidl, again.messages()[0].uidl);
  EXPECT_EQ(once.messages()[1].uidl, again.messages()[1].uidl);
  EXPECT_NE(once.messages()[0].uidl, once.messages()[1].uidl);
  ASSERT_EQ(once.notes().size(), 1u);
  EXPECT_NE(once.notes()[0].find("no X-IMAPbase"), std::string::npos);
}

TEST_F(DovecotMboxTest, HugeLinesCostNoMemoryAndArriveWhole) {
  const std::string longLine(300000, 'x');
  const DovecotMbox box = mbox(kFrom + "Subject: long\nX-Long: " + longLine + "\n\n" + longLine + "\n");
  ASSERT_EQ(box.messages().size(), 1u);
  EXPECT_EQ(imported(box, 0), "Subject: long\r\nX-Long: " + longLine + "\r\n\r\n" + longLine + "\r\n");
}

}  // namespace
}  // namespace postamt::migration
