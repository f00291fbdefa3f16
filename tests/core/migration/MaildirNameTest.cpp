// Maildir names as Dovecot reads them (maildir-filename.c).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "migration/MaildirName.h"

namespace postamt::migration {
namespace {

TEST(MaildirName, BaseNameEndsAtTheInfoSeparator) {
  EXPECT_EQ(maildirBaseName("1035478339.27041_118.foo.org,S=1000,W=1030:2,S"), "1035478339.27041_118.foo.org,S=1000,W=1030");
  EXPECT_EQ(maildirBaseName("1035478339.27041_118.foo.org"), "1035478339.27041_118.foo.org");
}

TEST(MaildirName, DovecotNumbersByTimeThenMicrosecondsThenName) {
  std::vector<std::string> names = {"1700000005.M10P7.mx",   "1700000001.M500P3.mx:2,S", "1700000005.M9P7.mx,S=5",
                                    "1700000005.27041_1.mx", "900000000.M1P1.mx",        "1700000005.27041_0.mx"};
  std::sort(names.begin(), names.end(), dovecotNumbersFirst);
  EXPECT_EQ(names, (std::vector<std::string>{"900000000.M1P1.mx", "1700000001.M500P3.mx:2,S",
                                             // Without microseconds on both sides, the name decides.
                                             "1700000005.27041_0.mx", "1700000005.27041_1.mx",
                                             // M9 before M10: microseconds are numbers.
                                             "1700000005.M9P7.mx,S=5", "1700000005.M10P7.mx"}));
}

TEST(MaildirName, MicrosecondsCountOnlyWhenBothNamesHaveThem) {
  EXPECT_TRUE(dovecotNumbersFirst("1700000005.M9P7.mx", "1700000005.M10P7.mx"));
  EXPECT_FALSE(dovecotNumbersFirst("1700000005.M10P7.mx", "1700000005.M9P7.mx"));
  EXPECT_TRUE(dovecotNumbersFirst("1700000005.A1.mx", "1700000005.M0P7.mx"));  // by name: 'A' < 'M'
}

}  // namespace
}  // namespace postamt::migration
