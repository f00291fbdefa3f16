#include "net/SessionEndLog.h"

#include <Poco/Logger.h>

#include <string>

#include "config/LogFields.h"

namespace postamt::net {
namespace {

// The fields every session's line begins with: the connection as the network layer saw it.
config::LogFields connectionFields(const events::Origin& origin, std::string_view ended) {
  return {{"session", std::to_string(origin.session)},
          {"listener", origin.listener},
          {"remote", origin.remoteAddress},
          {"tls", origin.tls ? "yes" : "no"},
          {"ended", ended.empty() ? "disconnect" : std::string(ended)}};
}

config::LogFields joined(config::LogFields first, const config::LogFields& then) {
  first.insert(first.end(), then.begin(), then.end());
  return first;
}

std::string milliseconds(std::chrono::steady_clock::duration lasted) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(lasted).count());
}

}  // namespace

void logSessionEnd(const events::Origin& origin, std::chrono::steady_clock::duration lasted, const pop3::SessionTally& tally) {
  const auto fields = joined(joined({{"tenant", tally.tenant}, {"user", tally.user}}, connectionFields(origin, tally.ended)),
                             {{"top", std::to_string(tally.topCount)},
                              {"top_bytes", std::to_string(tally.topOctets)},
                              {"retr", std::to_string(tally.retrCount)},
                              {"retr_bytes", std::to_string(tally.retrOctets)},
                              {"dele", std::to_string(tally.deleCount)},
                              {"deleted", std::to_string(tally.expunged)},
                              {"duration_ms", milliseconds(lasted)}});
  config::logFields(Poco::Logger::get("pop3"), Poco::Message::PRIO_INFORMATION, "session ended", fields);
}

void logSessionEnd(const events::Origin& origin, std::chrono::steady_clock::duration lasted, const lmtp::SessionTally& tally) {
  const auto fields = joined(connectionFields(origin, tally.ended), {{"messages", std::to_string(tally.messages)},
                                                                     {"delivered", std::to_string(tally.delivered)},
                                                                     {"refused", std::to_string(tally.refused)},
                                                                     {"bytes", std::to_string(tally.octets)},
                                                                     {"duration_ms", milliseconds(lasted)}});
  config::logFields(Poco::Logger::get("lmtp"), Poco::Message::PRIO_INFORMATION, "session ended", fields);
}

}  // namespace postamt::net
