#pragma once

#include <string_view>

namespace postamt::migration {

// A Maildir file name up to its ':' (the "2,<flags>" info a client changes
// when it sets flags). Dovecot's uidlist keys its records by this base name,
// which keeps ",S=<size>" and ",W=<vsize>" (maildir-filename.c).
std::string_view maildirBaseName(std::string_view fileName);

// The order in which Dovecot numbers files it has not numbered yet: by the
// leading Unix time, then by the microseconds of an "M<usecs>" in the unique
// part when both names have one, then by base name (maildir-filename.c).
bool dovecotNumbersFirst(std::string_view a, std::string_view b);

}  // namespace postamt::migration
