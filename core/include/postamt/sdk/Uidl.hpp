// The UIDLs Postamt's shipped stores give the messages they receive, for
// stores that want the same shape (and its safety against imported UIDLs).
#ifndef POSTAMT_SDK_UIDL_HPP
#define POSTAMT_SDK_UIDL_HPP

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>

namespace postamt::sdk {

// The shape of Dovecot's default pop3_uidl_format "%08Xu%08Xv" (uid, then
// uidvalidity), in upper-case hex where Dovecot prints lower case: messages
// imported from Dovecot keep Dovecot's own UIDLs (postamtctl import), and the
// case keeps Postamt's from ever colliding with them.
inline std::string uidlOf(std::int64_t uid, std::int64_t uidValidity) {
  char text[40];
  std::snprintf(text, sizeof text, "%08llX%08llX", static_cast<unsigned long long>(uid),
                static_cast<unsigned long long>(uidValidity));
  return text;
}

// The UID an imported UIDL would take from a maildrop's own sequence: the uid
// of uidlOf(uid, uidValidity) == uidl, else 0. A store that imports such a
// UIDL must never hand that uid out again. Dovecot's UIDVALIDITY is a time,
// like ours, so the two can be equal.
inline std::int64_t ownUidOf(const std::string& uidl, std::int64_t uidValidity) {
  const std::size_t uidDigits = uidl.size() - std::min(uidl.size(), uidlOf(0, uidValidity).size() - 8);
  if (uidDigits < 8 || uidDigits > 15 || uidl.find_first_not_of("0123456789ABCDEF") != std::string::npos) return 0;
  const auto uid = static_cast<std::int64_t>(std::stoull(uidl.substr(0, uidDigits), nullptr, 16));
  return uid > 0 && uidlOf(uid, uidValidity) == uidl ? uid : 0;
}

}  // namespace postamt::sdk

#endif
