// A Maildir read as Dovecot's POP3 server lists it: dovecot-uidlist numbers
// the files, POP3 order and saved UIDLs come first, the rest is numbered as
// Dovecot would number it next.
#include <gtest/gtest.h>
#include <sys/time.h>

#include "MigrationTesting.h"
#include "migration/DovecotMaildir.h"
#include "migration/SourceError.h"

namespace postamt::migration {
namespace {

using testing::imported;
using testing::ScratchDirectory;

class DovecotMaildirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* folder : {"cur", "new", "tmp"}) std::filesystem::create_directories(scratch_.path() / folder);
  }

  void put(const std::string& name, const std::string& data, long received) {
    const std::string path = scratch_.write(name, data).string();
    const timeval times[2] = {{received, 0}, {received, 0}};
    ASSERT_EQ(::utimes(path.c_str(), times), 0);
  }

  std::vector<std::string> uidls(const DovecotMaildir& maildir) {
    std::vector<std::string> result;
    for (const SourceMessage& message : maildir.messages()) result.push_back(message.uidl);
    return result;
  }

  ScratchDirectory scratch_;
};

TEST_F(DovecotMaildirTest, ListedByUidWithTheUidlistsUidvalidity) {
  put("cur/1700000002.M1P1.mx,S=9:2,S", "b\nline\n", 1700000102);
  put("new/1700000001.M1P1.mx", "a\n", 1700000101);
  scratch_.write("dovecot-uidlist", "3 V1795726914 N9 Gabc\n7 W2 :1700000002.M1P1.mx,S=9\n8 :1700000001.M1P1.mx\n");
  const DovecotMaildir maildir(scratch_.path().string());
  EXPECT_EQ(uidls(maildir), (std::vector<std::string>{"000000076b089e42", "000000086b089e42"}));
  EXPECT_EQ(maildir.messages()[0].receivedAt, 1700000102);  // the file's mtime, Dovecot's received date
  EXPECT_EQ(imported(maildir, 0), "b\r\nline\r\n");
  EXPECT_TRUE(maildir.notes().empty());
}

TEST_F(DovecotMaildirTest, SavedUidlsAndPop3OrderComeFromTheUidlist) {
  put("cur/1700000001.M1P1.mx:2,S", "1\n", 1);
  put("cur/1700000002.M1P1.mx:2,S", "2\n", 2);
  put("cur/1700000003.M1P1.mx,S=2:2,S", "3\n", 3);
  put("cur/1700000004.M1P1.mx:2,", "4\n", 4);
  scratch_.write("dovecot-uidlist",
                 "3 V100 N5\n1 :1700000001.M1P1.mx\n2 O2 Pkept-2 :1700000002.M1P1.mx\n3 P O1 :1700000003.M1P1.mx,S=2\n"
                 "4 :1700000004.M1P1.mx\n");
  const DovecotMaildir maildir(scratch_.path().string());
  // "O" first by its number, then the rest by UID; an empty "P" stands for the base file name.
  EXPECT_EQ(uidls(maildir),
            (std::vector<std::string>{"1700000003.M1P1.mx,S=2", "kept-2", "0000000100000064", "0000000400000064"}));
  EXPECT_EQ(imported(maildir, 0), "3\r\n");
}

TEST_F(DovecotMaildirTest, FilesNotInTheUidlistGetTheUidsDovecotGivesNext) {
  put("cur/1700000001.M1P1.mx:2,S", "old\n", 1);
  put("new/1700000009.M10P1.mx", "c\n", 5);
  put("new/1700000009.M9P1.mx", "b\n", 5);
  put("new/1700000005.M1P1.mx", "a\n", 5);
  put("new/.1700000000.hidden", "a client's temporary file\n", 5);
  std::filesystem::create_directories(scratch_.path() / "cur" / "subdirectory");
  put("tmp/1700000010.M1P1.mx", "still being delivered\n", 5);
  // UID 3 was expunged: its file is gone.
  scratch_.write("dovecot-uidlist", "3 V100 N5\n2 :1700000001.M1P1.mx\n3 :1700000000.M1P1.mx\n");
  const DovecotMaildir maildir(scratch_.path().string());
  EXPECT_EQ(uidls(maildir),
            (std::vector<std::string>{"0000000200000064", "0000000500000064", "0000000600000064", "0000000700000064"}));
  EXPECT_EQ(imported(maildir, 1), "a\r\n");
  EXPECT_EQ(imported(maildir, 2), "b\r\n");  // M9 before M10
  ASSERT_EQ(maildir.notes().size(), 1u);
  EXPECT_NE(maildir.notes()[0].find("3 message(s) not yet in dovecot-uidlist"), std::string::npos) << maildir.notes()[0];
}

TEST_F(DovecotMaildirTest, MaildirDovecotNeverNumberedGetsStableUidlsAndANote) {
  put("new/1700000002.M1P1.mx", "b\n", 1700000102);
  put("new/1700000001.M1P1.mx", "a\n", 1700000101);
  const DovecotMaildir once(scratch_.path().string());
  const DovecotMaildir again(scratch_.path().string());
  EXPECT_EQ(uidls(once), uidls(again));
  // Numbered from 1 in Dovecot's order, under a UIDVALIDITY from the oldest message.
  EXPECT_EQ(uidls(once), (std::vector<std::string>{"000000016553f165", "000000026553f165"}));
  ASSERT_EQ(once.notes().size(), 1u);
  EXPECT_NE(once.notes()[0].find("no dovecot-uidlist"), std::string::npos);
}

TEST_F(DovecotMaildirTest, BrokenUidlistIsRefusedNotGuessedAround) {
  put("new/1700000001.M1P1.mx", "a\n", 1);
  scratch_.write("dovecot-uidlist", "3 V100 N5\n4 :b\n2 :a\n");
  EXPECT_THROW(DovecotMaildir(scratch_.path().string()), SourceError);
}

}  // namespace
}  // namespace postamt::migration
