#include "lmtp/Capability.h"

namespace postamt::lmtp {

std::vector<std::string> capabilities(const SessionSettings& settings) {
  return {
      "PIPELINING",                                       // RFC 2920
      "ENHANCEDSTATUSCODES",                              // RFC 2034
      "8BITMIME",                                         // RFC 6152
      "SIZE " + std::to_string(settings.maxMessageSize),  // RFC 1870 section 4
  };
}

}  // namespace postamt::lmtp
