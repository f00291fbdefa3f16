#include "config/LogFields.h"

#include <atomic>
#include <cstdio>

namespace postamt::config {
namespace {

std::atomic<bool> carryFields{true};

bool needsQuotes(std::string_view value) {
  if (value.empty()) return true;
  for (unsigned char c : value) {
    if (c <= ' ' || c == '"' || c == '\\' || c == '=' || c == 0x7f) return true;
  }
  return false;
}

void appendQuoted(std::string& line, std::string_view value) {
  line += '"';
  for (unsigned char c : value) {
    switch (c) {
      case '"':
        line += "\\\"";
        break;
      case '\\':
        line += "\\\\";
        break;
      case '\n':
        line += "\\n";
        break;
      case '\r':
        line += "\\r";
        break;
      case '\t':
        line += "\\t";
        break;
      default:
        if (c < ' ' || c == 0x7f) {
          char hex[5];
          std::snprintf(hex, sizeof hex, "\\x%02x", c);
          line += hex;
        } else {
          line += static_cast<char>(c);
        }
    }
  }
  line += '"';
}

void appendValue(std::string& line, std::string_view value) {
  if (needsQuotes(value))
    appendQuoted(line, value);
  else
    line += value;
}

}  // namespace

std::string quotedValue(std::string_view value) {
  std::string out;
  appendQuoted(out, value);
  return out;
}

std::string fieldValue(std::string_view value) {
  std::string out;
  appendValue(out, value);
  return out;
}

std::string keyValueLine(std::string_view what, const LogFields& fields) {
  std::string line(what);
  for (const auto& field : fields) {
    if (!line.empty()) line += ' ';
    line += field.key;
    line += '=';
    appendValue(line, field.value);
  }
  return line;
}

void carryLogFields(bool carry) { carryFields.store(carry, std::memory_order_relaxed); }

void logFields(Poco::Logger& logger, Poco::Message::Priority priority, std::string_view what, const LogFields& fields) {
  if (!logger.is(priority)) return;
  Poco::Message message(logger.name(), keyValueLine(what, fields), priority);
  if (!carryFields.load(std::memory_order_relaxed)) return logger.log(message);
  std::string keys;
  for (const auto& field : fields) {
    if (!keys.empty()) keys += ' ';
    keys += field.key;
    message.set(field.key, field.value);
  }
  message.set(std::string(kLogWhatParameter), std::string(what));
  message.set(std::string(kLogFieldsParameter), keys);
  logger.log(message);
}

}  // namespace postamt::config
