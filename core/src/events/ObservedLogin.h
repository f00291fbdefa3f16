#pragma once

#include "events/EventBus.h"
#include "pop3/Authenticator.h"

namespace postamt::events {

// One POP3 connection's logins as events: auth succeeded or failed, the
// maildrop opened, and through the maildrop it hands out, every message
// retrieved and every deletion UPDATE commits. Wraps the listener's
// authenticator for one connection, so the events carry where they happened.
class ObservedLogin : public pop3::Authenticator {
 public:
  // `origin` is the connection's and may change while it lives (STLS sets tls).
  ObservedLogin(pop3::Authenticator& inner, EventBus& bus, const Origin& origin);

  pop3::LoginResult login(const pop3::LoginRequest& request) override;
  sasl::StoredSecret storedSecret(const std::string& user) override;
  pop3::LoginResult openProven(const pop3::LoginRequest& request) override;
  sasl::TokenCheck verifyBearerToken(const std::string& user, const std::string& token) override;
  std::optional<pop3::PolicyAnnouncement> announcedBeforeLogin() override;
  void loginFailed(const pop3::LoginRequest& request, const std::string& reason) override;
  std::string account(const std::string& user) override { return inner_.account(user); }

 private:
  // Publishes how a login ended and hands out the maildrop observed.
  pop3::LoginResult reported(const pop3::LoginRequest& request, pop3::LoginResult result);

  pop3::Authenticator& inner_;
  EventBus& bus_;
  const Origin& origin_;
};

}  // namespace postamt::events
