#include "tenant/CurrentGeneration.h"

namespace postamt::tenant {
namespace {

// A maildrop with the generation it came from: the generation goes only after the maildrop.
class HeldMaildrop : public pop3::Maildrop {
 public:
  HeldMaildrop(std::unique_ptr<pop3::Maildrop> inner, std::shared_ptr<ServiceGeneration> generation)
      : generation_(std::move(generation)), inner_(std::move(inner)) {}

  const std::vector<pop3::MessageInfo>& messages() const override { return inner_->messages(); }
  std::size_t read(std::size_t index, std::uint64_t offset, std::span<char> buffer) override {
    return inner_->read(index, offset, buffer);
  }
  void expunge(const std::vector<std::size_t>& indexes) override { inner_->expunge(indexes); }
  void markRetrieved(std::size_t index) noexcept override { inner_->markRetrieved(index); }

 private:
  std::shared_ptr<ServiceGeneration> generation_;  // declared first, so destroyed after inner_
  std::unique_ptr<pop3::Maildrop> inner_;
};

pop3::LoginResult held(pop3::LoginResult result, std::shared_ptr<ServiceGeneration> generation) {
  if (result.maildrop) result.maildrop = std::make_unique<HeldMaildrop>(std::move(result.maildrop), std::move(generation));
  return result;
}

}  // namespace

pop3::LoginResult CurrentLogin::login(const pop3::LoginRequest& request) {
  auto generation = generations_.current();
  return held(generation->login.login(request), generation);
}

sasl::StoredSecret CurrentLogin::storedSecret(const std::string& user) {
  return generations_.current()->login.storedSecret(user);
}

pop3::LoginResult CurrentLogin::openProven(const pop3::LoginRequest& request) {
  auto generation = generations_.current();
  return held(generation->login.openProven(request), generation);
}

sasl::TokenCheck CurrentLogin::verifyBearerToken(const std::string& user, const std::string& token) {
  return generations_.current()->login.verifyBearerToken(user, token);
}

std::optional<pop3::PolicyAnnouncement> CurrentLogin::announcedBeforeLogin() {
  return generations_.current()->login.announcedBeforeLogin();
}

void CurrentLogin::loginFailed(const pop3::LoginRequest& request, const std::string& reason) {
  generations_.current()->login.loginFailed(request, reason);
}

std::string CurrentLogin::account(const std::string& user) { return generations_.current()->login.account(user); }

lmtp::Reply CurrentDelivery::checkRecipient(const std::string& recipient, std::optional<std::uint64_t> declaredSize) {
  return generations_.current()->delivery.checkRecipient(recipient, declaredSize);
}

std::vector<lmtp::Reply> CurrentDelivery::deliver(const lmtp::Envelope& envelope, delivery::MessageSpool& message) {
  return generations_.current()->delivery.deliver(envelope, message);
}

}  // namespace postamt::tenant
