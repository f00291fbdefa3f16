#include "migration/MaildirName.h"

#include <cstdint>
#include <optional>

namespace postamt::migration {
namespace {

struct Stamp {
  std::uint64_t seconds = 0;
  std::optional<std::uint64_t> microseconds;
  std::string_view rest;  // the base name after the leading digits
};

Stamp stampOf(std::string_view name) {
  Stamp stamp;
  std::size_t i = 0;
  for (; i < name.size() && name[i] >= '0' && name[i] <= '9'; ++i) stamp.seconds = stamp.seconds * 10 + (name[i] - '0');
  stamp.rest = maildirBaseName(name.substr(i));
  // "<secs>.<unique>.<host>": the microseconds follow the first 'M' of the unique part.
  if (!stamp.rest.empty() && stamp.rest[0] == '.') {
    const std::string_view unique = stamp.rest.substr(1, stamp.rest.find('.', 1) - 1);
    if (const std::size_t m = unique.find('M'); m != std::string_view::npos) {
      std::uint64_t usecs = 0;
      for (std::size_t j = m + 1; j < unique.size() && unique[j] >= '0' && unique[j] <= '9'; ++j)
        usecs = usecs * 10 + (unique[j] - '0');
      stamp.microseconds = usecs;
    }
  }
  return stamp;
}

}  // namespace

std::string_view maildirBaseName(std::string_view fileName) { return fileName.substr(0, fileName.find(':')); }

bool dovecotNumbersFirst(std::string_view a, std::string_view b) {
  const Stamp first = stampOf(a);
  const Stamp second = stampOf(b);
  if (first.seconds != second.seconds) return first.seconds < second.seconds;
  if (first.microseconds && second.microseconds && *first.microseconds != *second.microseconds)
    return *first.microseconds < *second.microseconds;
  return first.rest < second.rest;
}

}  // namespace postamt::migration
