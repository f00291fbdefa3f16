#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace postamt::migration {

// Reads an mbox From_ line ("From <sender> <date>", without its line end) as
// Dovecot accepts one as the start of a message (mbox-from.c): the sender,
// then an asctime() date, "Thu Nov  9 22:33:52 2001", with or without
// seconds, with a zone name or a numeric offset before or after the year; or
// "Thu, 9 Nov 2002 22:33:52". Returns the received time, or nothing when the
// line is no From_ line, and so belongs to the message it is in.
std::optional<std::int64_t> parseMboxFromLine(std::string_view line);

}  // namespace postamt::migration
