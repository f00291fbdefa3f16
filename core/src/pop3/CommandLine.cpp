#include "pop3/CommandLine.h"

#include <algorithm>
#include <charconv>

namespace postamt::pop3 {

CommandLine CommandLine::parse(std::string_view line) {
  CommandLine command;
  const auto space = line.find(' ');
  command.keyword = line.substr(0, space);
  if (space == std::string_view::npos) return command;
  command.rest = line.substr(space + 1);
  std::string_view remaining = command.rest;
  for (auto next = remaining.find(' '); next != std::string_view::npos; next = remaining.find(' ')) {
    command.arguments.push_back(remaining.substr(0, next));
    remaining.remove_prefix(next + 1);
  }
  command.arguments.push_back(remaining);
  return command;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  const auto upper = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; };
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [&](char x, char y) { return upper(x) == upper(y); });
}

std::optional<std::uint64_t> parseNumber(std::string_view text) {
  // For an unsigned type from_chars takes no sign and no space, and reports overflow; it stops at the first
  // non-digit, so "1x" is refused by requiring the whole text to be consumed.
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc{} || stop != end) return std::nullopt;
  return value;
}

}  // namespace postamt::pop3
