// dovecot-uidlist as Dovecot writes it (maildir-uidlist.c, and the format
// described in Dovecot's Maildir documentation).
#include <gtest/gtest.h>

#include <sstream>

#include "migration/DovecotUidlist.h"
#include "migration/SourceError.h"

namespace postamt::migration {
namespace {

DovecotUidlist parse(const std::string& text) {
  std::istringstream in(text);
  return DovecotUidlist::parse(in, "dovecot-uidlist");
}

TEST(DovecotUidlist, ReadsVersion3HeaderAndRecordsByBaseName) {
  const DovecotUidlist list = parse(
      "3 V1275660208 N25022 G3085f01b7f11094c501100008c4a11c1\n"
      "25006 :1276528487.M364837P9451.kurkku,S=1355,W=1394:2,\n"
      "25017 W2481 :1276533073.M242911P3632.kurkku:2,F\n"
      "25018 W12 P000061a96b089e42 O3 G0123 :1276533074.M1P1.kurkku\n"
      "25019 P :1276533075.M1P1.kurkku\n");
  EXPECT_EQ(list.uidValidity, 1275660208u);
  EXPECT_EQ(list.nextUid, 25022u);
  ASSERT_EQ(list.records.size(), 4u);
  // Keyed without the ":2,<flags>" a client changes, but with ,S= and ,W=.
  const auto& first = list.records.at("1276528487.M364837P9451.kurkku,S=1355,W=1394");
  EXPECT_EQ(first.uid, 25006u);
  EXPECT_FALSE(first.pop3Uidl);
  EXPECT_FALSE(first.pop3Order);
  EXPECT_EQ(list.records.at("1276533073.M242911P3632.kurkku").uid, 25017u);
  const auto& saved = list.records.at("1276533074.M1P1.kurkku");
  EXPECT_EQ(saved.pop3Uidl, "000061a96b089e42");
  EXPECT_EQ(saved.pop3Order, 3u);
  EXPECT_EQ(list.records.at("1276533075.M1P1.kurkku").pop3Uidl, "");  // "P" alone: the base file name
}

TEST(DovecotUidlist, ReadsVersion1AsCourierWroteIt) {
  const DovecotUidlist list = parse("1 1100000000 8\n3 1100000001.123.host:2,S\n7 1100000002.456.host\n");
  EXPECT_EQ(list.uidValidity, 1100000000u);
  EXPECT_EQ(list.nextUid, 8u);
  EXPECT_EQ(list.records.at("1100000001.123.host").uid, 3u);
  EXPECT_EQ(list.records.at("1100000002.456.host").uid, 7u);
}

TEST(DovecotUidlist, NextUidIsAboveEveryListedUid) { EXPECT_EQ(parse("3 V1 N2\n5 :a\n9 :b\n").nextUid, 10u); }

TEST(DovecotUidlist, NameListedTwiceKeepsItsLaterUid) {
  EXPECT_EQ(parse("3 V1 N9\n3 :a:2,\n4 :a:2,S\n").records.at("a").uid, 4u);
}

TEST(DovecotUidlist, FilesDovecotWouldDiscardAreRefused) {
  for (const char* broken : {"", "2 V1 N1\n", "3 N5\n", "3 V5\n", "3 V1 N5\n4 :a\n4 :b\n", "3 V1 N5\nx :a\n", "3 V1 N5\n4 W5\n",
                             "3 V1 N5\n4 :dir/name\n"}) {
    SCOPED_TRACE(broken);
    EXPECT_THROW(parse(broken), SourceError);
  }
}

}  // namespace
}  // namespace postamt::migration
