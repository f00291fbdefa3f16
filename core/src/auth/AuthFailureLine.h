#pragma once

#include <string>
#include <string_view>

namespace postamt::auth {

// The one log line each failed login gets, in the form fail2ban's filter matches
// (core/etc/fail2ban/filter.d/postamt.conf):
//   auth failed remote=192.0.2.7 tenant=demo mechanism=PLAIN user="alice@demo.test" reason="wrong password"
// The remote address comes first and the client-chosen fields last and quoted, with quotes, backslashes and control
// characters escaped: a user name cannot forge a "remote=" or a second line that would ban someone else. Never
// given a password or token.
std::string authFailureLine(std::string_view remote, std::string_view tenant, std::string_view mechanism,
                            std::string_view user, std::string_view reason);

}  // namespace postamt::auth
