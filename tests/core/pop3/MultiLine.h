#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace postamt::pop3::test {

// Reads the body of a multi-line response as a client must (RFC 1939 section 3): lines up to the one that is "."
// alone, with the first "." of any other line starting with "." removed. Nothing if the terminator never comes or
// if anything follows it.
inline std::optional<std::string> unstuff(std::string_view response) {
  std::string body;
  while (!response.empty()) {
    const auto end = response.find("\r\n");
    if (end == std::string_view::npos) return std::nullopt;
    std::string_view line = response.substr(0, end + 2);
    response.remove_prefix(end + 2);
    if (line == ".\r\n") {
      if (!response.empty()) return std::nullopt;
      return body;
    }
    if (line.front() == '.') line.remove_prefix(1);
    body.append(line);
  }
  return std::nullopt;
}

// What a multi-line body must look like on the wire, written octet by octet from RFC 1939 section 3: a "." before
// every line that starts with ".", a CRLF if the last line lacks one, then ".\r\n".
inline std::string stuffed(std::string_view body) {
  std::string wire;
  bool lineStart = true;
  for (const char octet : body) {
    if (lineStart && octet == '.') wire += '.';
    wire += octet;
    lineStart = octet == '\n';
  }
  if (!lineStart) wire += "\r\n";
  return wire + ".\r\n";
}

// Splits "status line\r\nbody" at the first CRLF.
inline std::pair<std::string, std::string> splitStatus(std::string_view response) {
  const auto end = response.find("\r\n");
  if (end == std::string_view::npos) return {std::string(response), {}};
  return {std::string(response.substr(0, end + 2)), std::string(response.substr(end + 2))};
}

}  // namespace postamt::pop3::test
