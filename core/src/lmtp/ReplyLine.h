#pragma once

#include <string>

#include "lmtp/DeliveryAgent.h"

namespace postamt::lmtp {

// One reply line on the wire: "250 2.1.0 Ok\r\n" (RFC 5321 section 4.2, the enhanced status code of RFC 2034
// section 4 after the reply code), or "250-..." for a line that more lines of the same reply follow. The enhanced code
// is left out when empty: RFC 2034 section 4 has none on the greeting and the LHLO reply. Text from outside the
// session (an agent's reply, the configured host name) cannot break the line: anything but printable ASCII becomes
// "?", and the line is cut at kMaxReplyLine.
std::string replyLine(const Reply& reply, bool continued = false);

}  // namespace postamt::lmtp
