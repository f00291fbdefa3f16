#pragma once

#include <string>
#include <vector>

#include "postamt/sdk/Mailbox.hpp"

namespace postamt::auth_sql {

// The setting password_query: an operator's own SELECT over a user table that
// already exists (Postfixadmin's `mailbox`, a Dovecot SQL passdb), written as
// Dovecot's password_query is. %u, %n and %d stand for the full user, its
// local part and its domain, bare or quoted ('%u', as Dovecot configs write
// them); each becomes a bound parameter, never text spliced into the SQL. %%
// is a literal %. The first column is the stored hash in {SCHEME} notation; an
// optional second one says whether the user may log in.
class PasswordQuery {
 public:
  // `parameterMark` is '?' (SQLite: ?1, ?2) or '$' (PostgreSQL: $1, $2).
  // Throws sdk::Error(POSTAMT_PERM_FAIL) naming the setting and the problem.
  PasswordQuery(const std::string& text, char parameterMark);

  const std::string& sql() const { return sql_; }
  // The parameter values for `user`, in the order of the placeholders.
  std::vector<std::string> values(const sdk::Mailbox& user) const;

 private:
  std::string sql_;
  std::string fields_;  // 'u', 'n' or 'd' per parameter
};

// Whether a password_query's second column lets the user log in: true for 1,
// t, true, y and yes in any case, as SQL booleans and flags are spelled.
bool isEnabledFlag(const std::string& value);

}  // namespace postamt::auth_sql
