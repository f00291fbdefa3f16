#include "lmtp/ReplyLine.h"

#include "lmtp/Limits.h"

namespace postamt::lmtp {

std::string replyLine(const Reply& reply, bool continued) {
  std::string line = std::to_string(reply.code) + (continued ? '-' : ' ') + reply.enhanced;
  if (!reply.enhanced.empty() && !reply.text.empty()) line += ' ';
  line += reply.text;
  // RFC 5321 section 4.2: textstring is printable ASCII; a CR or LF from an agent would forge a reply of its own.
  for (char& octet : line) {
    if (octet < ' ' || octet > '~') octet = '?';
  }
  if (line.size() > kMaxReplyLine - 2) line.resize(kMaxReplyLine - 2);
  return line + "\r\n";
}

}  // namespace postamt::lmtp
