#pragma once

#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <string>
#include <string_view>
#include <vector>

namespace postamt::config {

// One key=value of a structured log line. Keys are lower_snake_case words; values are anything.
struct LogField {
  std::string key;
  std::string value;
};
using LogFields = std::vector<LogField>;

// "what key=value key2=\"two words\"": a value is quoted when it is empty or holds a space, a quote, a backslash, an
// '=' or a control character; inside quotes '"' and '\' are escaped and control characters become \n, \r, \t or
// \xHH, so one event is always one line that a log shipper can split on spaces.
std::string keyValueLine(std::string_view what, const LogFields& fields);
// `value` in quotes, escaped as keyValueLine() escapes a quoted value, whatever it holds.
std::string quotedValue(std::string_view value);
// `value` as keyValueLine() writes it: as it is when it is one plain word, else quotedValue(). For a line joined by
// hand that holds what a client sent: a name with a line break in it must not start a line of its own.
std::string fieldValue(std::string_view value);

// Logs `what` with `fields` at `priority`: the text is keyValueLine()'s, and while fields are carried (the default)
// they travel with the message so that log.format = json writes them as JSON members (JsonLogFormatter). Every
// structured line goes through here.
void logFields(Poco::Logger& logger, Poco::Message::Priority priority, std::string_view what, const LogFields& fields);

// Whether logFields() attaches the fields to its messages. Only a JSON log reads them, and attaching them (a map of
// strings per message) was half of what a session's two log lines cost; the logging set-up says which it is.
void carryLogFields(bool carry);

// The message parameter listing a structured message's field keys, in order, separated by spaces.
inline constexpr std::string_view kLogFieldsParameter = "postamt.fields";
// The message parameter holding a structured message's `what`, the text before its fields.
inline constexpr std::string_view kLogWhatParameter = "postamt.what";

}  // namespace postamt::config
