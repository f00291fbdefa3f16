#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pop3/Authenticator.h"
#include "pop3/Session.h"

namespace postamt::pop3 {

// RFC 2449 section 5, CAPA: the capabilities this session really offers, one line each, without CRLF. Built here
// alone, from the same settings the commands obey, so the list never promises what the session refuses. A later
// capability (STLS, SASL mechanisms, EXPIRE, LOGIN-DELAY) is one more entry here, with the setting that enables it.
// RFC 2449 section 5: capabilities available before login must be announced in both states.
// `stls`: whether STLS may be issued now (RFC 2595 section 4: before login, on a connection not yet encrypted).
// `policy` adds LOGIN-DELAY and EXPIRE (RFC 2449 sections 6.5 and 6.7).
std::vector<std::string> capabilities(const SessionSettings& settings, bool stls = false,
                                      const std::optional<PolicyAnnouncement>& policy = std::nullopt);

}  // namespace postamt::pop3
