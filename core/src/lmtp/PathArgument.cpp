#include "lmtp/PathArgument.h"

#include "pop3/CommandLine.h"

namespace postamt::lmtp {
namespace {

bool isPrintable(char c) { return c >= ' ' && c <= '~'; }
bool isAlphaNumeric(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// Consumes "<...>" from the front of `text` and returns what is between the brackets. Only a quoted local part
// (RFC 5321 section 4.1.2, Quoted-string) may hold spaces, backslash escapes and ">".
std::optional<std::string_view> takeBracketed(std::string_view& text) {
  if (text.empty() || text.front() != '<') return std::nullopt;
  bool quoted = false;
  for (std::size_t at = 1; at < text.size(); ++at) {
    const char c = text[at];
    if (!isPrintable(c)) return std::nullopt;
    if (quoted) {
      if (c == '\\') {
        if (++at == text.size() || !isPrintable(text[at])) return std::nullopt;
      } else if (c == '"') {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == '>') {
      const auto inside = text.substr(1, at - 1);
      text.remove_prefix(at + 1);
      return inside;
    } else if (c == ' ' || c == '<') {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// RFC 5321 section 4.1.1.3 and appendix C: a source route ("@relay1,@relay2:") must be accepted and should be ignored.
std::optional<std::string_view> withoutSourceRoute(std::string_view path) {
  if (path.empty() || path.front() != '@') return path;
  const auto colon = path.find(':');
  if (colon == std::string_view::npos || colon + 1 == path.size()) return std::nullopt;
  return path.substr(colon + 1);
}

// RFC 5321 section 4.1.2: esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-"), esmtp-value = 1*(%d33-60 / %d62-126).
std::optional<PathParameter> parseParameter(std::string_view text) {
  const auto equals = text.find('=');
  PathParameter parameter{text.substr(0, equals), std::nullopt};
  if (parameter.keyword.empty() || !isAlphaNumeric(parameter.keyword.front())) return std::nullopt;
  for (const char c : parameter.keyword) {
    if (!isAlphaNumeric(c) && c != '-') return std::nullopt;
  }
  if (equals == std::string_view::npos) return parameter;
  parameter.value = text.substr(equals + 1);
  if (parameter.value->empty()) return std::nullopt;
  for (const char c : *parameter.value) {
    if (c <= ' ' || c > '~' || c == '=') return std::nullopt;
  }
  return parameter;
}

}  // namespace

std::optional<PathArgument> parsePathArgument(std::string_view argument, std::string_view prefix) {
  if (!pop3::equalsIgnoringCase(argument.substr(0, prefix.size()), prefix)) return std::nullopt;
  argument.remove_prefix(prefix.size());
  // RFC 5321 allows no space after the colon, but clients send one; Postfix and Dovecot accept it, so do we.
  while (!argument.empty() && argument.front() == ' ') argument.remove_prefix(1);

  const auto path = takeBracketed(argument);
  if (!path) return std::nullopt;
  const auto address = withoutSourceRoute(*path);
  if (!address) return std::nullopt;

  PathArgument parsed{std::string(*address), {}};
  if (!argument.empty() && argument.front() != ' ') return std::nullopt;
  while (!argument.empty()) {
    while (!argument.empty() && argument.front() == ' ') argument.remove_prefix(1);
    if (argument.empty()) break;
    const auto end = argument.find(' ');
    const auto parameter = parseParameter(argument.substr(0, end));
    if (!parameter) return std::nullopt;
    parsed.parameters.push_back(*parameter);
    argument.remove_prefix(end == std::string_view::npos ? argument.size() : end);
  }
  return parsed;
}

}  // namespace postamt::lmtp
