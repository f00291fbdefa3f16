#include "migration/DovecotUidlist.h"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "migration/MaildirName.h"
#include "migration/SourceError.h"

namespace postamt::migration {
namespace {

// A decimal that fills `text` and fits 32 bits.
std::optional<std::uint32_t> number(std::string_view text) {
  std::uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// The next space-separated word of `rest`, removed from it.
std::string_view word(std::string_view& rest) {
  const std::size_t start = rest.find_first_not_of(' ');
  if (start == std::string_view::npos) {
    rest = {};
    return {};
  }
  rest.remove_prefix(start);
  const std::size_t end = std::min(rest.find(' '), rest.size());
  const std::string_view found = rest.substr(0, end);
  rest.remove_prefix(end);
  return found;
}

}  // namespace

DovecotUidlist DovecotUidlist::parse(std::istream& in, const std::string& path) {
  DovecotUidlist list;
  std::string line;
  std::size_t lineNumber = 1;
  auto broken = [&](const std::string& what) {
    return SourceError(path + " line " + std::to_string(lineNumber) + ": " + what + " (Dovecot would renumber every message)");
  };

  if (!std::getline(in, line)) throw SourceError(path + " is empty");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::string_view rest(line);
  const std::string version(word(rest));
  list.nextUid = 0;  // the header must say
  if (version == "1") {
    const auto validity = number(word(rest));
    const auto next = number(word(rest));
    list.uidValidity = validity.value_or(0);
    list.nextUid = next.value_or(0);
  } else if (version == "3") {
    for (std::string_view field = word(rest); !field.empty(); field = word(rest)) {
      if (field[0] == 'V') list.uidValidity = number(field.substr(1)).value_or(0);
      if (field[0] == 'N') list.nextUid = number(field.substr(1)).value_or(0);
    }
  } else {
    throw broken("unknown format version '" + version + "'");
  }
  if (list.uidValidity == 0 || list.nextUid == 0) throw broken("no UIDVALIDITY or next UID in the header");

  std::uint32_t previousUid = 0;
  while (std::getline(in, line)) {
    ++lineNumber;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    rest = line;
    const auto uid = number(word(rest));
    if (!uid || *uid == 0) throw broken("no UID");
    if (*uid <= previousUid) throw broken("UIDs out of order");
    previousUid = *uid;

    Record record;
    record.uid = *uid;
    std::string_view fileName;
    if (version == "1") {
      fileName = word(rest);
    } else {
      // Extension fields (an upper-case key and its value) up to the ':' that starts the file name.
      const std::size_t colon = rest.find(" :");
      if (colon == std::string_view::npos) throw broken("no file name");
      fileName = rest.substr(colon + 2);
      std::string_view fields = rest.substr(0, colon);
      for (std::string_view field = word(fields); !field.empty(); field = word(fields)) {
        if (field[0] == 'P') record.pop3Uidl = std::string(field.substr(1));
        if (field[0] == 'O') record.pop3Order = number(field.substr(1));
      }
    }
    if (fileName.empty() || fileName.find('/') != std::string_view::npos) throw broken("bad file name");
    // A name listed twice keeps its later UID, as in Dovecot.
    list.records[std::string(maildirBaseName(fileName))] = record;
  }
  if (in.bad()) throw SourceError("cannot read " + path);
  if (list.nextUid <= previousUid) list.nextUid = previousUid + 1;
  return list;
}

}  // namespace postamt::migration
