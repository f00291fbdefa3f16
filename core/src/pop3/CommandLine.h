#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace postamt::pop3 {

// A command line split as RFC 1939 section 3 says: a keyword, then arguments each after a single SPACE. The views
// point into the line given to parse().
struct CommandLine {
  std::string_view keyword;
  // Everything after the keyword's SPACE, whole: PASS takes it as the password, which may contain spaces
  // (RFC 1939 section 7).
  std::string_view rest;
  // `rest` split at every SPACE: "LIST" has none, "LIST " has one empty argument, which no command accepts.
  std::vector<std::string_view> arguments;

  static CommandLine parse(std::string_view line);
};

// Keywords compare case-insensitively, in ASCII only (RFC 1939 section 3, RFC 5321 section 2.4).
bool equalsIgnoringCase(std::string_view a, std::string_view b);

// A numeric argument (message number, TOP line count): decimal digits only, no sign, no space, and it must fit.
std::optional<std::uint64_t> parseNumber(std::string_view text);

}  // namespace postamt::pop3
