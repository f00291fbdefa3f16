#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <gtest/gtest.h>

#include <vector>

#include "config/JsonLogFormatter.h"
#include "config/LogFields.h"

namespace postamt::config {
namespace {

TEST(KeyValueLine, PlainValuesStayBare) {
  EXPECT_EQ(keyValueLine("session ended", {{"user", "alice@example.org"}, {"retr", "2"}}),
            "session ended user=alice@example.org retr=2");
}

TEST(KeyValueLine, SpacesQuotesAndEqualsAreQuoted) {
  EXPECT_EQ(keyValueLine("x", {{"reason", "wrong password"}, {"q", "say \"hi\""}, {"e", "a=b"}, {"b", "c:\\d"}}),
            "x reason=\"wrong password\" q=\"say \\\"hi\\\"\" e=\"a=b\" b=\"c:\\\\d\"");
}

TEST(KeyValueLine, EmptyValueIsAPairOfQuotes) { EXPECT_EQ(keyValueLine("x", {{"user", ""}}), "x user=\"\""); }

// A client-chosen value must not start a second log line or hide in a terminal escape.
TEST(KeyValueLine, ControlCharactersAreEscapedSoTheLineStaysOne) {
  const std::string line = keyValueLine("x", {{"user", "a\r\nfake line\x1b[31m"}});
  EXPECT_EQ(line, "x user=\"a\\r\\nfake line\\x1b[31m\"");
}

// For lines joined by hand: a login name a client sent with a line break must not start a forged line.
TEST(KeyValueLine, AFieldValueAloneIsWrittenAsInALine) {
  EXPECT_EQ(fieldValue("alice@example.org"), "alice@example.org");
  EXPECT_EQ(fieldValue("x\nauth failed remote=203.0.113.9"), "\"x\\nauth failed remote=203.0.113.9\"");
}

TEST(KeyValueLine, NoWhatGivesFieldsAlone) { EXPECT_EQ(keyValueLine("", {{"a", "1"}}), "a=1"); }

// Keeps what a logger sent, as the daemon's stderr channel would receive it.
class CapturingChannel : public Poco::Channel {
 public:
  void log(const Poco::Message& message) override { messages.push_back(message); }
  std::vector<Poco::Message> messages;
};

TEST(LogFields, JsonLineHasTheFieldsAsMembers) {
  Poco::AutoPtr<CapturingChannel> channel(new CapturingChannel);
  Poco::Logger& logger = Poco::Logger::get("test.logfields");
  logger.setChannel(channel);
  logger.setLevel(Poco::Message::PRIO_INFORMATION);
  logFields(logger, Poco::Message::PRIO_INFORMATION, "session ended", {{"user", "a \"b\"\n"}, {"retr", "2"}});
  logFields(logger, Poco::Message::PRIO_DEBUG, "below the level", {{"a", "1"}});
  ASSERT_EQ(channel->messages.size(), 1u);
  EXPECT_EQ(channel->messages[0].getText(), "session ended user=\"a \\\"b\\\"\\n\" retr=2");

  std::string text;
  JsonLogFormatter().format(channel->messages[0], text);
  EXPECT_EQ(text.find('\n'), std::string::npos);
  const auto object = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(object->getValue<std::string>("level"), "information");
  EXPECT_EQ(object->getValue<std::string>("source"), "test.logfields");
  EXPECT_EQ(object->getValue<std::string>("message"), "session ended");
  EXPECT_EQ(object->getValue<std::string>("user"), "a \"b\"\n");
  EXPECT_EQ(object->getValue<std::string>("retr"), "2");
}

TEST(JsonLogFormatter, PlainMessageKeepsItsText) {
  Poco::Message message("net", "connection from 127.0.0.1 ended", Poco::Message::PRIO_DEBUG);
  std::string text;
  JsonLogFormatter().format(message, text);
  const auto object = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(object->getValue<std::string>("message"), "connection from 127.0.0.1 ended");
  EXPECT_EQ(object->getValue<std::string>("level"), "debug");
}

}  // namespace
}  // namespace postamt::config
