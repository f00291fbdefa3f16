#pragma once

#include <string>
#include <vector>

#include "lmtp/Session.h"

namespace postamt::lmtp {

// The service extensions the LHLO reply lists after the host name (RFC 2033 section 4.1, RFC 5321 section 4.1.1.1),
// one keyword line each, without "250-" and CRLF. Built here alone, from the settings the commands obey: SIZE
// announces the same maximum that MAIL FROM and DATA enforce.
std::vector<std::string> capabilities(const SessionSettings& settings);

}  // namespace postamt::lmtp
