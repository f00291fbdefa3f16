#pragma once

#include "lmtp/DeliveryAgent.h"
#include "pop3/Authenticator.h"
#include "tenant/ServiceGeneration.h"

namespace postamt::tenant {

// The listeners' authenticator: each call goes to the current generation, and a maildrop it opens keeps that
// generation (its store instance, its policies) alive until the session closes it, whatever SIGHUP does meanwhile.
class CurrentLogin : public pop3::Authenticator {
 public:
  explicit CurrentLogin(const Generations& generations) : generations_(generations) {}

  pop3::LoginResult login(const pop3::LoginRequest& request) override;
  sasl::StoredSecret storedSecret(const std::string& user) override;
  pop3::LoginResult openProven(const pop3::LoginRequest& request) override;
  sasl::TokenCheck verifyBearerToken(const std::string& user, const std::string& token) override;
  std::optional<pop3::PolicyAnnouncement> announcedBeforeLogin() override;
  void loginFailed(const pop3::LoginRequest& request, const std::string& reason) override;
  std::string account(const std::string& user) override;

 private:
  const Generations& generations_;
};

// The LMTP listeners' delivery agent: each call goes to the generation current when it is made, held for the call.
class CurrentDelivery : public lmtp::DeliveryAgent {
 public:
  explicit CurrentDelivery(const Generations& generations) : generations_(generations) {}

  lmtp::Reply checkRecipient(const std::string& recipient, std::optional<std::uint64_t> declaredSize) override;
  std::vector<lmtp::Reply> deliver(const lmtp::Envelope& envelope, delivery::MessageSpool& message) override;

 private:
  const Generations& generations_;
};

}  // namespace postamt::tenant
