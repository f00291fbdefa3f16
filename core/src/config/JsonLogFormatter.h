#pragma once

#include <Poco/Formatter.h>

namespace postamt::config {

// log.format = json: one JSON object per line, {"time", "level", "source", "message"} and then a structured
// message's fields (LogFields.h) as string members in their order, so a line parses with any JSON reader. Poco::JSON
// does the escaping.
class JsonLogFormatter : public Poco::Formatter {
 public:
  void format(const Poco::Message& message, std::string& text) override;
};

}  // namespace postamt::config
