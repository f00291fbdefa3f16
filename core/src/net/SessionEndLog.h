#pragma once

#include <chrono>

#include "events/Event.h"
#include "lmtp/SessionTally.h"
#include "pop3/SessionTally.h"

namespace postamt::net {

// The one line an operator reads per session, as Dovecot's pop3_logout_format: who, from where, over what, how it
// ended and what it did. Logged at information by the "pop3" and "lmtp" loggers, as key=value or JSON (log.format).
// A session that did not close itself (QUIT, timer, stop, too many errors) ended with "disconnect": the client went.
void logSessionEnd(const events::Origin& origin, std::chrono::steady_clock::duration lasted, const pop3::SessionTally& tally);
void logSessionEnd(const events::Origin& origin, std::chrono::steady_clock::duration lasted, const lmtp::SessionTally& tally);

}  // namespace postamt::net
