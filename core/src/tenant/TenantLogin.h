#pragma once

#include <atomic>
#include <string>

#include "pop3/Authenticator.h"
#include "tenant/MailboxResolver.h"

namespace postamt::policy {
class DeviceTracking;
class TenantPolicies;
}  // namespace postamt::policy

namespace postamt::tenant {

// The POP3 login of a multi-tenant server: resolve the tenant from the
// domain, verify with the tenant's auth instance, open and lock the maildrop
// in the tenant's store instance. Between the password and the maildrop the
// tenant's policy may refuse the login (its `login` hook). Thread-safe.
class TenantLogin : public pop3::Authenticator {
 public:
  // `lockOwner` names this process in maildrop locks ("host:pid").
  TenantLogin(MailboxResolver& resolver, policy::TenantPolicies& policies, policy::DeviceTracking& devices,
              std::string lockOwner);

  pop3::LoginResult login(const pop3::LoginRequest& request) override;
  sasl::StoredSecret storedSecret(const std::string& user) override;
  pop3::LoginResult openProven(const pop3::LoginRequest& request) override;
  sasl::TokenCheck verifyBearerToken(const std::string& user, const std::string& token) override;
  std::optional<pop3::PolicyAnnouncement> announcedBeforeLogin() override;
  void loginFailed(const pop3::LoginRequest& request, const std::string& reason) override;
  std::string account(const std::string& user) override;

 private:
  // Writes the one log line every login attempt gets: the client hears only the response code.
  static pop3::LoginResult logged(const pop3::LoginRequest& request, pop3::LoginResult result);
  // The device a login name carries when its tenant tracks devices (policies/README.md "Several devices").
  struct DeviceLogin {
    std::string device;
    std::int64_t graceSeconds = 0;
  };
  struct Resolved {
    MailboxResolver::Result result;
    std::optional<DeviceLogin> device;  // none: the login sees the maildrop as the store has it
  };
  // Resolves a login name, first taking off its device suffix.
  Resolved resolve(const std::string& user);
  pop3::LoginResult authenticate(const pop3::LoginRequest& request);
  pop3::LoginResult verifyAndOpen(ResolvedMailbox& target, const std::optional<DeviceLogin>& device,
                                  const pop3::LoginRequest& request);
  pop3::LoginResult open(const pop3::LoginRequest& request, ResolvedMailbox& target, const std::optional<DeviceLogin>& device);
  // What the tenant's policy says about this login (hooks `login`, `retention`, `keep_on_server`).
  struct PolicyAnswer {
    std::optional<pop3::LoginResult> refusal;
    std::optional<pop3::PolicyAnnouncement> announced;  // LOGIN-DELAY and EXPIRE for CAPA
    std::optional<postamt_maildrop_rules> rules;        // for the store, as the maildrop opens
  };
  PolicyAnswer askPolicy(const pop3::LoginRequest& request, const ResolvedMailbox& target, std::int64_t now);

  MailboxResolver& resolver_;
  policy::TenantPolicies& policies_;
  policy::DeviceTracking& devices_;
  std::string lockOwner_;
  std::atomic<std::uint64_t> sessionCounter_{0};
};

}  // namespace postamt::tenant
