// The Policy adapter: a C++ policy class seen through the C table it produces.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "postamt/sdk/Policy.hpp"

namespace postamt::sdk {
namespace {

// Echoes its arguments back under the hook's name; knows only "echo"; fails for tenant 0.
class EchoPolicy : public Policy {
 public:
  EchoPolicy(Host, const Settings&) {}
  std::optional<PolicyValues> decide(const PolicyScript& script, const std::string& hook,
                                     const PolicyValues& arguments) override {
    if (script.tenantId == 0) throw Error(POSTAMT_PERM_FAIL, "policy:1: broken");
    if (hook != "echo") return std::nullopt;
    PolicyValues out = arguments;
    out["script"] = std::string(script.text);
    return out;
  }
};

struct Collected {
  std::map<std::string, postamt_value_kind> kinds;
  PolicyValues values;
};

postamt_status decide(std::int64_t tenant, const char* hook, const std::vector<postamt_value>& arguments, Collected& out,
                      char (&text)[64]) {
  const postamt_policy_api* api = policyApi<EchoPolicy>();
  const postamt_host_api host{sizeof(postamt_host_api), nullptr, nullptr, nullptr};
  void* policy = api->create(&host, nullptr, nullptr);
  const postamt_policy_script script{tenant, "demo", 7, "return 1", 8};
  const postamt_values args{arguments.data(), arguments.size()};
  postamt_error error{text, sizeof text};
  const postamt_status status = api->decide(
      policy, &script, hook, &args,
      [](void* context, const postamt_value* value) noexcept {
        auto& c = *static_cast<Collected*>(context);
        c.kinds[value->name] = value->kind;
        const postamt_values one{value, 1};
        c.values.merge(detail::valuesFromC(&one));
      },
      &out, &error);
  api->destroy(policy);
  return status;
}

TEST(SdkPolicyTest, ValuesKeepTheirKindsBothWays) {
  Collected out;
  char text[64] = "";
  ASSERT_EQ(decide(1, "echo",
                   {{"flag", POSTAMT_VALUE_BOOLEAN, 1, nullptr},
                    {"count", POSTAMT_VALUE_INTEGER, -5, nullptr},
                    {"name", POSTAMT_VALUE_STRING, 0, "alice"}},
                   out, text),
            POSTAMT_OK);
  EXPECT_EQ(
      out.values,
      (PolicyValues{
          {"flag", true}, {"count", std::int64_t{-5}}, {"name", std::string("alice")}, {"script", std::string("return 1")}}));
  EXPECT_EQ(out.kinds["flag"], POSTAMT_VALUE_BOOLEAN);
  EXPECT_EQ(out.kinds["count"], POSTAMT_VALUE_INTEGER);
  EXPECT_EQ(out.kinds["name"], POSTAMT_VALUE_STRING);
}

TEST(SdkPolicyTest, AHookThePolicyDoesNotHaveIsNotFound) {
  Collected out;
  char text[64] = "";
  EXPECT_EQ(decide(1, "login", {}, out, text), POSTAMT_NOT_FOUND);
  EXPECT_TRUE(out.values.empty());
}

TEST(SdkPolicyTest, AFailureCarriesItsStatusAndReason) {
  Collected out;
  char text[64] = "";
  EXPECT_EQ(decide(0, "echo", {}, out, text), POSTAMT_PERM_FAIL);
  EXPECT_STREQ(text, "policy:1: broken");
}

}  // namespace
}  // namespace postamt::sdk
