// The Auth adapter: a C++ auth class seen through the C table it produces.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "postamt/sdk/Auth.hpp"

namespace postamt::sdk {
namespace {

using namespace std::string_literals;

// Read-only: overrides nothing but the two required functions.
class FixedAuth : public Auth {
 public:
  FixedAuth(Host, const Settings&) {}
  postamt_status verifyPassword(const Mailbox& user, std::string_view password) override {
    if (user.tenantId == 0) throw std::runtime_error("directory down");
    if (user.address != "alice@one.test") return POSTAMT_NOT_FOUND;
    return password == "pa\0ss"s ? POSTAMT_OK : POSTAMT_DENIED;
  }
  postamt_status lookup(const Mailbox& user) override {
    return user.address == "alice@one.test" ? POSTAMT_OK : POSTAMT_NOT_FOUND;
  }
};

TEST(SdkAuthTest, PasswordsKeepTheirLength) {
  const postamt_auth_api* api = authApi<FixedAuth>();
  const postamt_host_api host{sizeof(postamt_host_api), nullptr, nullptr, nullptr};
  postamt_settings settings{nullptr, 0};
  void* auth = api->create(&host, &settings, nullptr);
  ASSERT_NE(auth, nullptr);
  postamt_mailbox alice{1, "alice@one.test", "alice", "one.test"};
  postamt_mailbox bob{1, "bob@one.test", "bob", "one.test"};
  EXPECT_EQ(api->verify_password(auth, &alice, "pa\0ss", 5, nullptr), POSTAMT_OK);
  EXPECT_EQ(api->verify_password(auth, &alice, "pa\0ss", 2, nullptr), POSTAMT_DENIED);
  EXPECT_EQ(api->verify_password(auth, &bob, "pa\0ss", 5, nullptr), POSTAMT_NOT_FOUND);
  EXPECT_EQ(api->lookup(auth, &alice, nullptr), POSTAMT_OK);

  char text[64] = "";
  postamt_error error{text, sizeof text};
  postamt_mailbox broken{0, "alice@one.test", "alice", "one.test"};
  EXPECT_EQ(api->verify_password(auth, &broken, "x", 1, &error), POSTAMT_TEMP_FAIL);
  EXPECT_STREQ(text, "directory down");
  api->destroy(auth);
}

TEST(SdkAuthTest, ManagementNotOverriddenIsUnsupported) {
  const postamt_auth_api* api = authApi<FixedAuth>();
  EXPECT_EQ(api->size, sizeof(postamt_auth_api));
  const postamt_host_api host{sizeof(postamt_host_api), nullptr, nullptr, nullptr};
  void* auth = api->create(&host, nullptr, nullptr);
  ASSERT_NE(auth, nullptr);
  postamt_mailbox alice{1, "alice@one.test", "alice", "one.test"};
  EXPECT_EQ(api->add_user(auth, &alice, "pw", nullptr), POSTAMT_UNSUPPORTED);
  EXPECT_EQ(api->set_password(auth, &alice, "pw", nullptr), POSTAMT_UNSUPPORTED);
  EXPECT_EQ(api->set_enabled(auth, &alice, 0, nullptr), POSTAMT_UNSUPPORTED);
  EXPECT_EQ(api->delete_user(auth, &alice, nullptr), POSTAMT_UNSUPPORTED);
  auto each = [](void*, const char*, int) noexcept {};
  EXPECT_EQ(api->list_users(auth, 1, each, nullptr, nullptr), POSTAMT_UNSUPPORTED);
  EXPECT_EQ(api->add_user(auth, &alice, nullptr, nullptr), POSTAMT_PERM_FAIL);
  api->destroy(auth);
}

}  // namespace
}  // namespace postamt::sdk
