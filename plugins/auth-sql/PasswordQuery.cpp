#include "PasswordQuery.h"

#include <Poco/String.h>

#include "postamt/sdk/Error.hpp"

namespace postamt::auth_sql {
namespace {

sdk::Error invalid(const std::string& why) { return sdk::Error(POSTAMT_PERM_FAIL, "setting 'password_query': " + why); }

}  // namespace

PasswordQuery::PasswordQuery(const std::string& text, char parameterMark) {
  bool inLiteral = false;  // inside '...': a doubled '' toggles twice, so it stays right
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '%') {
      if (c == '\'') inLiteral = !inLiteral;
      sql_ += c;
      continue;
    }
    if (i + 1 == text.size()) throw invalid("it ends in a lone %; write %% for a literal one");
    const char field = text[++i];
    if (field == '%') {
      sql_ += '%';
      continue;
    }
    if (field != 'u' && field != 'n' && field != 'd')
      throw invalid(std::string("unknown placeholder %") + field + " (known: %u, %n, %d; %% for a literal %)");
    if (inLiteral) {
      // Dovecot's '%u': the quotes go, the parameter is the whole value.
      if (sql_.back() != '\'' || i + 1 == text.size() || text[i + 1] != '\'')
        throw invalid(std::string("%") + field + " inside a longer quoted text cannot be a parameter; use %" + field +
                      " or '%" + field + "' alone");
      sql_.pop_back();
      ++i;
      inLiteral = false;
    }
    fields_ += field;
    sql_ += parameterMark + std::to_string(fields_.size());
  }
  if (fields_.empty()) throw invalid("it must select the user by %u, or by %n and %d");
}

std::vector<std::string> PasswordQuery::values(const sdk::Mailbox& user) const {
  std::vector<std::string> out;
  for (char field : fields_) out.push_back(field == 'u' ? user.address : field == 'n' ? user.localPart : user.domain);
  return out;
}

bool isEnabledFlag(const std::string& value) {
  for (const char* yes : {"1", "t", "true", "y", "yes"})
    if (Poco::icompare(value, yes) == 0) return true;
  return false;
}

}  // namespace postamt::auth_sql
