#include "tenant/TenantLogin.h"

#include <Poco/Logger.h>

#include "plugin/HostApi.h"

namespace postamt::tenant {
namespace {

using Outcome = pop3::LoginResult::Outcome;

pop3::LoginResult answer(Outcome outcome, std::string text) {
  pop3::LoginResult result;
  result.outcome = outcome;
  result.text = std::move(text);
  return result;
}

// Spends about the time a real password check takes, so that an unknown
// domain or user cannot be told from a wrong password by the clock.
void spendPasswordCheckTime(const std::string& password) {
  static const char* const kDecoy =
      "{SHA512-CRYPT}$6$decoydecoydecoy0$ZG1NS9Kz7Vd0nM4uCm9jv8Q2dYw3eR1tY5uI7oP9aS1dF3gH5jK7lZ9xC1vB3nM5qW7eR9tY1uI3oP5aS7dF9";
  plugin::hostApi().verify_password(kDecoy, password.data(), password.size());
}

}  // namespace

TenantLogin::TenantLogin(MailboxResolver& resolver, std::string lockOwner) : resolver_(resolver), lockOwner_(std::move(lockOwner)) {}

pop3::LoginResult TenantLogin::login(const pop3::LoginRequest& request) {
  auto result = authenticate(request);
  // The client hears only "-ERR [AUTH]"; the log says why (never the password).
  Poco::Logger& log = Poco::Logger::get("auth");
  if (result.outcome == Outcome::Ok) {
    log.information("login user=%s remote=%s %s", request.user, request.remoteAddress, result.text);
  } else {
    log.information("login failed user=%s remote=%s reason=%s", request.user, request.remoteAddress, result.text);
  }
  return result;
}

pop3::LoginResult TenantLogin::authenticate(const pop3::LoginRequest& request) {
  try {
    auto resolved = resolver_.resolve(request.user);
    if (!resolved.mailbox) {
      spendPasswordCheckTime(request.password);
      const auto outcome = resolved.failure == MailboxResolver::Failure::MissingInstance ? Outcome::TempFail : Outcome::Denied;
      return answer(outcome, resolved.error);
    }
    ResolvedMailbox& target = *resolved.mailbox;
    pop3::LoginResult result = authenticateIn(target, request);
    result.tenantId = target.tenant.id;
    result.tenant = target.tenant.name;
    return result;
  } catch (const DirectoryError& e) {
    return answer(Outcome::TempFail, e.what());
  }
}

pop3::LoginResult TenantLogin::authenticateIn(ResolvedMailbox& target, const pop3::LoginRequest& request) {
  const auto verified = target.auth.verifyPassword(target.mailbox, request.password);
  switch (verified.status) {
    case POSTAMT_OK:
      break;
    case POSTAMT_NOT_FOUND:
      spendPasswordCheckTime(request.password);
      return answer(Outcome::Denied, verified.error);
    case POSTAMT_DENIED:
      return answer(Outcome::Denied, verified.error);
    case POSTAMT_TEMP_FAIL:
      return answer(Outcome::TempFail, verified.error);
    default:
      return answer(Outcome::PermFail, verified.error);
  }
  const std::string holder = lockOwner_ + ":" + std::to_string(++sessionCounter_);
  auto opened = target.store.open(target.mailbox, holder);
  switch (opened.status) {
    case POSTAMT_OK: {
      pop3::LoginResult result = answer(Outcome::Ok, "tenant=" + target.tenant.name);
      result.maildrop = std::move(opened.maildrop);
      return result;
    }
    case POSTAMT_IN_USE:
      return answer(Outcome::InUse, opened.error);
    case POSTAMT_TEMP_FAIL:
      return answer(Outcome::TempFail, opened.error);
    default:
      return answer(Outcome::PermFail, opened.error);
  }
}

}  // namespace postamt::tenant
