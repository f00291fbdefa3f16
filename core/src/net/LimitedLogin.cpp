#include "net/LimitedLogin.h"

#include <Poco/Logger.h>

#include "config/LogFields.h"

namespace postamt::net {
namespace {

// Through logFields: a SASL user name is raw client bytes, and must not start a forged line of its own.
void refusedLine(const pop3::LoginRequest& request, const std::string& reason) {
  config::logFields(Poco::Logger::get("net"), Poco::Message::PRIO_WARNING, "login refused",
                    {{"remote", request.remoteAddress}, {"user", request.user}, {"reason", reason}});
}

}  // namespace

LimitedLogin::LimitedLogin(pop3::Authenticator& inner, ConnectionLimits& limits) : inner_(inner), limits_(limits) {}

template <typename Login>
pop3::LoginResult LimitedLogin::admitted(const pop3::LoginRequest& request, Login&& login) {
  auto user = limits_.admitUser(request.user, request.remoteAddress);
  if (!user) {
    refusedLine(request, "too many connections of this user from this address");
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
    refusedLine(request, "tenant " + result.tenant + " has too many connections");
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
