#include "tenant/TenantLogin.h"

#include <Poco/Logger.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>

#include "auth/AuthFailureLine.h"
#include "config/LogFields.h"
#include "plugin/HostApi.h"
#include "policy/DeviceMaildrop.h"
#include "policy/DeviceName.h"
#include "policy/DeviceTracking.h"
#include "policy/LoginRule.h"
#include "policy/MaildropPolicy.h"
#include "policy/TenantPolicies.h"

namespace postamt::tenant {
namespace {

using Outcome = pop3::LoginResult::Outcome;

// How long a login waits for a maildrop lock held by something other than a POP3 session (the purge sweep):
// long enough for any of those, short enough that a client another session keeps out hears IN-USE soon.
constexpr std::chrono::seconds kLockPatience{1};

pop3::LoginResult answer(Outcome outcome, std::string text) {
  pop3::LoginResult result;
  result.outcome = outcome;
  result.text = std::move(text);
  return result;
}

// Says which tenant a login that got as far as resolving its name belongs to, for logs, events and metrics.
pop3::LoginResult inTenant(const ResolvedMailbox& target, pop3::LoginResult result) {
  result.tenantId = target.tenant.id;
  result.tenant = target.tenant.name;
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

TenantLogin::TenantLogin(MailboxResolver& resolver, policy::TenantPolicies& policies, policy::DeviceTracking& devices,
                         std::string lockOwner)
    : resolver_(resolver), policies_(policies), devices_(devices), lockOwner_(std::move(lockOwner)) {}

TenantLogin::Resolved TenantLogin::resolve(const std::string& user) {
  Resolved resolved{resolver_.resolve(user), std::nullopt};
  if (!resolved.result.mailbox) return resolved;
  ResolvedMailbox& target = *resolved.result.mailbox;
  const auto tracking = devices_.settings(target.tenant.id);
  if (!tracking) return resolved;
  const auto name = policy::DeviceName::split(target.mailbox.address.localPart, tracking->separator);
  if (!name) {
    resolved.result.mailbox.reset();
    resolved.result.error = "'" + user + "' names no valid device (letters, digits, '.', '_', '-', at most 32)";
    return resolved;
  }
  if (name->device.empty()) return resolved;
  resolved.device = DeviceLogin{name->device, tracking->graceSeconds};
  target.mailbox = Mailbox(target.tenant.id, Address{name->localPart, target.mailbox.address.domain});
  return resolved;
}

std::string TenantLogin::account(const std::string& user) {
  try {
    const auto resolved = resolve(user).result;
    return resolved.mailbox ? resolved.mailbox->mailbox.fullAddress : user;
  } catch (const DirectoryError&) {
    return user;  // the login itself fails for the same reason, and is not counted as a guess
  }
}

// RFC 2449 sections 6.5 and 6.7: before login the user is unknown, and with
// policies in the directory LOGIN-DELAY and EXPIRE vary by user; the least
// value any user can have is 0.
std::optional<pop3::PolicyAnnouncement> TenantLogin::announcedBeforeLogin() {
  try {
    if (!policies_.anyPolicy()) return std::nullopt;
  } catch (const DirectoryError&) {
    return std::nullopt;
  }
  return pop3::PolicyAnnouncement{0, 0, true};
}

TenantLogin::PolicyAnswer TenantLogin::askPolicy(const pop3::LoginRequest& request, const ResolvedMailbox& target,
                                                 std::int64_t now) {
  PolicyAnswer said;
  const std::string& address = target.mailbox.fullAddress;
  sdk::PolicyValues arguments{
      {"user", address}, {"tenant", target.tenant.name}, {"remote_ip", request.remoteAddress}, {"tls", request.secure}};
  // Only a login hook reads the last login: without any policy, logins cost no directory query for it.
  if (policies_.anyPolicy()) {
    if (const auto last = policies_.directory().lastLogin(target.tenant.id, address)) {
      arguments["seconds_since_last_login"] = std::max<std::int64_t>(0, now - *last);
    }
  }
  const auto login = policies_.decide<policy::LoginRule>(target.tenant, "login", arguments);
  using Kind = policy::Ruling<policy::LoginRule>::Kind;
  if (login.kind == Kind::Refused) {
    said.refusal = answer(Outcome::TempFail, "the login policy failed closed");
    return said;
  }
  const policy::LoginRule& rule = login.rule;
  if (login.kind == Kind::Decided && rule.refusal != policy::LoginRule::Refusal::None) {
    static const std::map<policy::LoginRule::Refusal, Outcome> outcomes = {
        {policy::LoginRule::Refusal::LoginDelay, Outcome::TooSoon},
        {policy::LoginRule::Refusal::Auth, Outcome::Denied},
        {policy::LoginRule::Refusal::SysPerm, Outcome::PermFail}};
    said.refusal = answer(outcomes.at(rule.refusal), "refused by the policy of tenant " + target.tenant.name);
    said.refusal->clientText = rule.text;
    return said;
  }

  // One call each per login: the store applies the rules to every message in SQL.
  const auto maildrop = policy::maildropPolicy(policies_, target.tenant, address);
  if (maildrop.refused) {
    said.refusal = answer(Outcome::TempFail, "the retention or keep-on-server policy failed closed");
    return said;
  }
  said.rules = maildrop.rules();
  if (login.kind == Kind::Decided || policies_.anyPolicy()) {
    // RFC 2449 section 6.7: EXPIRE is the least number of days a retrieved message stays on the server. The
    // login hook may say it outright; else the shorter of the days after retrieval and the days after arrival.
    std::optional<std::int64_t> expire = rule.expireDays;
    if (!expire && !rule.expireNever) {
      for (const std::int64_t days : {maildrop.keep.keepRetrievedDays, maildrop.retention.olderThanDays}) {
        if (days > 0) expire = std::min(days, expire.value_or(days));
      }
    }
    said.announced = pop3::PolicyAnnouncement{rule.loginDelay.value_or(0), rule.expireNever ? std::nullopt : expire, false};
  }
  return said;
}

pop3::LoginResult TenantLogin::login(const pop3::LoginRequest& request) { return logged(request, authenticate(request)); }

sasl::StoredSecret TenantLogin::storedSecret(const std::string& user) {
  using Status = sasl::StoredSecret::Status;
  try {
    auto resolved = resolve(user).result;
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
    auto resolved = resolve(user).result;
    if (!resolved.mailbox) {
      return resolved.failure == MailboxResolver::Failure::MissingInstance ? sasl::TokenCheck::TempFail
                                                                           : sasl::TokenCheck::Invalid;
    }
    const auto issuer = resolver_.directory().oauthIssuer(resolved.mailbox->tenant.id);
    const auto verdict = issuer ? auth::verifyBearerToken(*issuer, token, resolved.mailbox->mailbox.fullAddress)
                                : auth::TokenVerdict{false, "tenant " + resolved.mailbox->tenant.name + " takes no tokens"};
    if (verdict.valid) return sasl::TokenCheck::Valid;
    Poco::Logger::get("auth").information(
        config::keyValueLine("bearer token refused", {{"user", user}, {"reason", verdict.reason}}));
    return sasl::TokenCheck::Invalid;
  } catch (const DirectoryError&) {
    return sasl::TokenCheck::TempFail;
  }
}

void TenantLogin::loginFailed(const pop3::LoginRequest& request, const std::string& reason) {
  pop3::LoginResult failed = answer(Outcome::Denied, reason);
  try {
    // The tenant too, for the log line: the name's domain says which, without asking its auth instance.
    if (!request.user.empty()) {
      if (const auto resolved = resolver_.resolve(request.user); resolved.mailbox)
        failed = inTenant(*resolved.mailbox, std::move(failed));
    }
  } catch (const DirectoryError&) {
    // The line goes out without the tenant.
  }
  logged(request, std::move(failed));
}

pop3::LoginResult TenantLogin::openProven(const pop3::LoginRequest& request) {
  try {
    auto [resolved, device] = resolve(request.user);
    if (!resolved.mailbox) return logged(request, answer(Outcome::TempFail, "proven user no longer resolves: " + resolved.error));
    // The user may have been disabled since the mechanism read the secret.
    const auto found = resolved.mailbox->auth.lookup(resolved.mailbox->mailbox);
    const ResolvedMailbox& target = *resolved.mailbox;
    if (found.status == POSTAMT_TEMP_FAIL) return logged(request, inTenant(target, answer(Outcome::TempFail, found.error)));
    if (found.status != POSTAMT_OK) return logged(request, inTenant(target, answer(Outcome::Denied, found.error)));
    return logged(request, inTenant(target, open(request, *resolved.mailbox, device)));
  } catch (const DirectoryError& e) {
    return logged(request, answer(Outcome::TempFail, e.what()));
  }
}

pop3::LoginResult TenantLogin::logged(const pop3::LoginRequest& request, pop3::LoginResult result) {
  // The client hears only "-ERR [AUTH]"; the log says why (never the password).
  Poco::Logger& log = Poco::Logger::get("auth");
  if (result.outcome == Outcome::Ok) {
    // Joined by hand: Poco::format's stream machinery was a login's most expensive line.
    log.information("login user=" + config::fieldValue(request.user) + " remote=" + request.remoteAddress +
                    " mechanism=" + request.mechanism + " " + result.text);
  } else if (result.outcome == Outcome::Denied) {
    log.information(auth::authFailureLine(request.remoteAddress, result.tenant, request.mechanism, request.user, result.text));
  } else {
    // Right credentials, or a fault of the server's (IN-USE, LOGIN-DELAY, a store that is down): not a failed
    // authentication, so nothing fail2ban counts against the client.
    log.information(config::keyValueLine(
        "login refused",
        {{"user", request.user}, {"remote", request.remoteAddress}, {"mechanism", request.mechanism}, {"reason", result.text}}));
  }
  return result;
}

pop3::LoginResult TenantLogin::authenticate(const pop3::LoginRequest& request) {
  try {
    auto [resolved, device] = resolve(request.user);
    if (!resolved.mailbox) {
      spendPasswordCheckTime(request.password);
      const auto outcome = resolved.failure == MailboxResolver::Failure::MissingInstance ? Outcome::TempFail : Outcome::Denied;
      return answer(outcome, resolved.error);
    }
    return inTenant(*resolved.mailbox, verifyAndOpen(*resolved.mailbox, device, request));
  } catch (const DirectoryError& e) {
    return answer(Outcome::TempFail, e.what());
  }
}

pop3::LoginResult TenantLogin::verifyAndOpen(ResolvedMailbox& target, const std::optional<DeviceLogin>& device,
                                             const pop3::LoginRequest& request) {
  const auto verified = target.auth.verifyPassword(target.mailbox, request.password);
  switch (verified.status) {
    case POSTAMT_OK:
      return open(request, target, device);
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
}

// The tenant's policy may still refuse a user whose identity is proven; else the maildrop opens under its rules.
pop3::LoginResult TenantLogin::open(const pop3::LoginRequest& request, ResolvedMailbox& target,
                                    const std::optional<DeviceLogin>& device) {
  const std::int64_t now = std::time(nullptr);
  PolicyAnswer said = askPolicy(request, target, now);
  if (said.refusal) return std::move(*said.refusal);
  // Devices register at their first login; a limit, since the client chooses the name.
  if (device && !devices_.directory().registerDevice(target.tenant.id, target.mailbox.fullAddress, device->device, now,
                                                     policy::DeviceTracking::kMaxDevicesPerUser)) {
    return answer(Outcome::PermFail, "user has " + std::to_string(policy::DeviceTracking::kMaxDevicesPerUser) +
                                         " devices already; postamtctl device remove frees one");
  }
  const std::string holder = lockOwner_ + ":" + std::to_string(++sessionCounter_);
  // A lock the purge sweep holds for a moment is waited out; another session's stays, and the client hears IN-USE.
  auto opened = target.store.openWhenFree(target.mailbox, holder, kLockPatience, said.rules ? &*said.rules : nullptr);
  switch (opened.status) {
    case POSTAMT_OK: {
      pop3::LoginResult result = answer(Outcome::Ok, "tenant=" + target.tenant.name);
      result.maildrop = std::move(opened.maildrop);
      if (device) {
        result.text += " device=" + device->device;
        result.maildrop = std::make_unique<policy::DeviceMaildrop>(
            std::move(result.maildrop), devices_.directory(),
            policy::DeviceMaildrop::Owner{target.tenant.id, target.mailbox.fullAddress, device->device}, now,
            device->graceSeconds);
      }
      result.announced = said.announced;
      // Written behind (LoginTimes), and only while some tenant has a policy that may ask for it (checked once a second).
      if (policies_.anyPolicy()) policies_.directory().recordLogin(target.tenant.id, target.mailbox.fullAddress, now);
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
