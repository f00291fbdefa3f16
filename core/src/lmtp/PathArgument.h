#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postamt::lmtp {

// An ESMTP parameter after the path (RFC 5321 section 4.1.2): "KEYWORD" or "KEYWORD=value". Views into the argument.
struct PathParameter {
  std::string_view keyword;
  std::optional<std::string_view> value;
};

// The argument of MAIL and RCPT (RFC 5321 sections 4.1.1.2, 4.1.1.3 and 4.1.2): "FROM:<reverse-path>" or
// "TO:<forward-path>", then parameters each after a space.
struct PathArgument {
  std::string address;  // between "<" and ">", source route removed; empty for the null path "<>"
  std::vector<PathParameter> parameters;
};

// `argument` is everything after "MAIL " or "RCPT "; `prefix` is "FROM:" or "TO:", matched case-insensitively. Nothing
// when the syntax is wrong. The address may hold printable ASCII only (spaces only inside a quoted local part): no
// SMTPUTF8 is offered, and a CR or LF would break the trace headers the address is written into.
std::optional<PathArgument> parsePathArgument(std::string_view argument, std::string_view prefix);

}  // namespace postamt::lmtp
