#include "config/JsonLogFormatter.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Object.h>
#include <Poco/Message.h>

#include <sstream>

#include "config/LogFields.h"

namespace postamt::config {
namespace {

const char* levelName(Poco::Message::Priority priority) {
  static const char* const kNames[] = {"", "fatal", "critical", "error", "warning", "notice", "information", "debug", "trace"};
  const int index = static_cast<int>(priority);
  return index >= 1 && index <= 8 ? kNames[index] : "unknown";
}

}  // namespace

void JsonLogFormatter::format(const Poco::Message& message, std::string& text) {
  Poco::JSON::Object line(Poco::JSON_PRESERVE_KEY_ORDER);
  line.set("time", Poco::DateTimeFormatter::format(message.getTime(), "%Y-%m-%dT%H:%M:%S.%iZ"));
  line.set("level", std::string(levelName(message.getPriority())));
  line.set("source", message.getSource());
  const std::string fieldsParameter(kLogFieldsParameter);
  if (!message.has(fieldsParameter)) {
    line.set("message", message.getText());
  } else {
    line.set("message", message.get(std::string(kLogWhatParameter)));
    std::istringstream keys(message.get(fieldsParameter));
    for (std::string key; keys >> key;) line.set(key, message.get(key));
  }
  std::ostringstream out;
  line.stringify(out);
  text = out.str();
}

}  // namespace postamt::config
