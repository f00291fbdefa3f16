#include "tenant/TenantLogin.h"

#include <Poco/Logger.h>

#include "plugin/HostApi.h"

namespace postamt::tenant {
namespace {

using Outcome = pop3::LoginResult::Outcome;

pop3::LoginResult fail(Outcome outcome, std::string text) { return {outcome, std::move(text), nullptr}; }

// Spends about the time a real password check takes, so that an unknown
// domain or user cannot be told from a wrong password by the clock.
void spendPasswordCheckTime(const std::string& password) {
  static const char* const kDecoy =
      "{SHA512-CRYPT}$6$decoydecoydecoy0$ZG1NS9Kz7Vd0nM4uCm9jv8Q2dYw3eR1tY5uI7oP9aS1dF3gH5jK7lZ9xC1vB3nM5qW7eR9tY1uI3oP5aS7dF9";
  plugin::hostApi().verify_password(kDecoy, password.data(), password.size());
}

}  // namespace

TenantLogin::TenantLogin(MailboxResolver& resolver, std::string lockOwner) : resolver_(resolver), lockOwner_(std::move(lockOwner)) {}

pop3::LoginResult TenantLogin::login(const pop3::LoginRequest& request) { return logged(request, authenticate(request)); }

sasl::StoredSecret TenantLogin::storedSecret(const std::string& user) {
  using Status = sasl::StoredSecret::Status;
  try {
    auto resolved = resolver_.resolve(user);
    if (!resolved.mailbox) {
      return {resolved.failure == MailboxResolver::Failure::MissingInstance ? Status::TempFail : Status::Missing, {}};
    }
    sasl::StoredSecret secret;
    const auto fetched = resolved.mailbox->auth.fetchCredentials(resolved.mailbox->mailbox, secret.stored);
    switch (fetched.status) {
      case POSTAMT_OK:
        secret.status = Status::Found;
        return secret;
      case POSTAMT_TEMP_FAIL:
        return {Status::TempFail, {}};
      default:  // unknown, disabled, or a plugin that gives out no secrets: the mechanism fails as for a wrong password
        return {Status::Missing, {}};
    }
  } catch (const DirectoryError&) {
    return {Status::TempFail, {}};
  }
}

sasl::TokenCheck TenantLogin::verifyBearerToken(const std::string& user, const std::string& token) {
  try {
    auto resolved = resolver_.resolve(user);
    if (!resolved.mailbox) {
      return resolved.failure == MailboxResolver::Failure::MissingInstance ? sasl::TokenCheck::TempFail : sasl::TokenCheck::Invalid;
    }
    const auto issuer = resolver_.directory().oauthIssuer(resolved.mailbox->tenant.id);
    const auto verdict = issuer ? auth::verifyBearerToken(*issuer, token, resolved.mailbox->mailbox.fullAddress)
                                : auth::TokenVerdict{false, "tenant " + resolved.mailbox->tenant.name + " takes no tokens"};
    if (verdict.valid) return sasl::TokenCheck::Valid;
    Poco::Logger::get("auth").information("bearer token refused user=%s reason=%s", user, verdict.reason);
    return sasl::TokenCheck::Invalid;
  } catch (const DirectoryError&) {
    return sasl::TokenCheck::TempFail;
  }
}

void TenantLogin::loginFailed(const pop3::LoginRequest& request, const std::string& reason) {
  logged(request, fail(Outcome::Denied, reason));
}

pop3::LoginResult TenantLogin::openProven(const pop3::LoginRequest& request) {
  try {
    auto resolved = resolver_.resolve(request.user);
    if (!resolved.mailbox) return logged(request, fail(Outcome::TempFail, "proven user no longer resolves: " + resolved.error));
    // The user may have been disabled since the mechanism read the secret.
    const auto found = resolved.mailbox->auth.lookup(resolved.mailbox->mailbox);
    if (found.status == POSTAMT_TEMP_FAIL) return logged(request, fail(Outcome::TempFail, found.error));
    if (found.status != POSTAMT_OK) return logged(request, fail(Outcome::Denied, found.error));
    return logged(request, open(*resolved.mailbox));
  } catch (const DirectoryError& e) {
    return logged(request, fail(Outcome::TempFail, e.what()));
  }
}

pop3::LoginResult TenantLogin::logged(const pop3::LoginRequest& request, pop3::LoginResult result) {
  // The client hears only "-ERR [AUTH]"; the log says why (never the password).
  Poco::Logger& log = Poco::Logger::get("auth");
  if (result.outcome == Outcome::Ok) {
    log.information("login user=%s remote=%s mechanism=%s %s", request.user, request.remoteAddress, request.mechanism,
                    result.text);
  } else {
    log.information("login failed user=%s remote=%s mechanism=%s reason=%s", request.user, request.remoteAddress,
                    request.mechanism, result.text);
  }
  return result;
}

pop3::LoginResult TenantLogin::authenticate(const pop3::LoginRequest& request) {
  try {
    auto resolved = resolver_.resolve(request.user);
    if (!resolved.mailbox) {
      spendPasswordCheckTime(request.password);
      const auto outcome = resolved.failure == MailboxResolver::Failure::MissingInstance ? Outcome::TempFail : Outcome::Denied;
      return fail(outcome, resolved.error);
    }
    ResolvedMailbox& target = *resolved.mailbox;
    const auto verified = target.auth.verifyPassword(target.mailbox, request.password);
    switch (verified.status) {
      case POSTAMT_OK:
        break;
      case POSTAMT_NOT_FOUND:
        spendPasswordCheckTime(request.password);
        return fail(Outcome::Denied, verified.error);
      case POSTAMT_DENIED:
        return fail(Outcome::Denied, verified.error);
      case POSTAMT_TEMP_FAIL:
        return fail(Outcome::TempFail, verified.error);
      default:
        return fail(Outcome::PermFail, verified.error);
    }
    return open(target);
  } catch (const DirectoryError& e) {
    return fail(Outcome::TempFail, e.what());
  }
}

pop3::LoginResult TenantLogin::open(ResolvedMailbox& target) {
  const std::string holder = lockOwner_ + ":" + std::to_string(++sessionCounter_);
  auto opened = target.store.open(target.mailbox, holder);
  switch (opened.status) {
    case POSTAMT_OK:
      return {Outcome::Ok, "tenant=" + target.tenant.name, std::move(opened.maildrop)};
    case POSTAMT_IN_USE:
      return fail(Outcome::InUse, opened.error);
    case POSTAMT_TEMP_FAIL:
      return fail(Outcome::TempFail, opened.error);
    default:
      return fail(Outcome::PermFail, opened.error);
  }
}

}  // namespace postamt::tenant
