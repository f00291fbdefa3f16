#include "PasswordQuery.h"

#include <gtest/gtest.h>

#include "postamt/sdk/Error.hpp"

namespace postamt::auth_sql {
namespace {

const sdk::Mailbox kDave{7, "dave@pfa.test", "dave", "pfa.test"};

TEST(PasswordQueryTest, PlaceholdersBecomeNumberedParametersInTheirOrder) {
  PasswordQuery query("SELECT password FROM mailbox WHERE local_part = %n AND domain = %d", '$');
  EXPECT_EQ(query.sql(), "SELECT password FROM mailbox WHERE local_part = $1 AND domain = $2");
  EXPECT_EQ(query.values(kDave), (std::vector<std::string>{"dave", "pfa.test"}));

  PasswordQuery sqlite("SELECT password FROM users WHERE address = %u OR address = %u", '?');
  EXPECT_EQ(sqlite.sql(), "SELECT password FROM users WHERE address = ?1 OR address = ?2");
  EXPECT_EQ(sqlite.values(kDave), (std::vector<std::string>{"dave@pfa.test", "dave@pfa.test"}));
}

// Dovecot's dovecot-sql.conf.ext quotes them: the quotes must go, or the value would be text in the SQL.
TEST(PasswordQueryTest, DovecotsQuotedPlaceholdersAreParametersToo) {
  PasswordQuery query("SELECT password FROM mailbox WHERE username = '%u' AND active = '1' AND name <> 'it''s'", '$');
  EXPECT_EQ(query.sql(), "SELECT password FROM mailbox WHERE username = $1 AND active = '1' AND name <> 'it''s'");
}

TEST(PasswordQueryTest, DoublePercentIsALiteralPercent) {
  PasswordQuery query("SELECT password FROM mailbox WHERE username = %u AND maildir NOT LIKE 'old%%'", '$');
  EXPECT_EQ(query.sql(), "SELECT password FROM mailbox WHERE username = $1 AND maildir NOT LIKE 'old%'");
}

TEST(PasswordQueryTest, QueriesThatCannotBeParametersAreRefusedNamingTheSetting) {
  for (const char* text : {"SELECT password FROM mailbox", "SELECT password FROM mailbox WHERE username = %x",
                           "SELECT password FROM mailbox WHERE username = '%n@%d'", "SELECT password FROM mailbox WHERE a = %"}) {
    try {
      PasswordQuery query(text, '$');
      ADD_FAILURE() << "accepted: " << text;
    } catch (const sdk::Error& e) {
      EXPECT_EQ(e.status(), POSTAMT_PERM_FAIL);
      EXPECT_EQ(std::string(e.what()).rfind("setting 'password_query': ", 0), 0u) << e.what();
    }
  }
}

TEST(PasswordQueryTest, EnabledFlagsAsSqlSpellsThem) {
  for (const char* yes : {"1", "t", "true", "TRUE", "y", "Yes"}) EXPECT_TRUE(isEnabledFlag(yes)) << yes;
  for (const char* no : {"0", "f", "false", "n", "no", "", "2"}) EXPECT_FALSE(isEnabledFlag(no)) << no;
}

}  // namespace
}  // namespace postamt::auth_sql
