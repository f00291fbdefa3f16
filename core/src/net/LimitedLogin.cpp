#include "net/LimitedLogin.h"

#include <Poco/Logger.h>

namespace postamt::net {

LimitedLogin::LimitedLogin(pop3::Authenticator& inner, ConnectionLimits& limits) : inner_(inner), limits_(limits) {}

template <typename Login>
pop3::LoginResult LimitedLogin::admitted(const pop3::LoginRequest& request, Login&& login) {
  auto user = limits_.admitUser(request.user, request.remoteAddress);
  if (!user) {
    Poco::Logger::get("net").warning("login of %s from %s refused: too many connections of this user from this address",
                                     request.user, request.remoteAddress);
    pop3::LoginResult refused;
    // RFC 2449 section 8.1.2: IN-USE is the code for "already being used by another session".
    refused.outcome = pop3::LoginResult::Outcome::InUse;
    refused.clientText = "Too many connections of this user from your address, close one first.";
    return refused;
  }
  pop3::LoginResult result = login();
  if (result.outcome != pop3::LoginResult::Outcome::Ok) return result;
  auto tenant = limits_.admitTenant(result.tenantId);
  if (!tenant) {
    Poco::Logger::get("net").warning("login of %s from %s refused: tenant %s has too many connections", request.user,
                                     request.remoteAddress, result.tenant);
    result.maildrop.reset();  // unlocks it again, applying nothing
    result.outcome = pop3::LoginResult::Outcome::TempFail;
    result.clientText = "Too many connections to this mail domain, try again later.";
    return result;
  }
  user_ = std::move(*user);
  tenant_ = std::move(*tenant);
  return result;
}

pop3::LoginResult LimitedLogin::login(const pop3::LoginRequest& request) {
  return admitted(request, [&] { return inner_.login(request); });
}

pop3::LoginResult LimitedLogin::openProven(const pop3::LoginRequest& request) {
  return admitted(request, [&] { return inner_.openProven(request); });
}

}  // namespace postamt::net
