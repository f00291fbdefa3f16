// The hooks' decisions as policies/README.md documents them.
#include <gtest/gtest.h>

#include "policy/DeliverRule.h"
#include "policy/LoginRule.h"
#include "policy/MaildropRules.h"
#include "policy/QuotaRule.h"

namespace postamt::policy {
namespace {

TEST(LoginRuleTest, ReadsARefusalWithItsTextAndTheAnnouncedValues) {
  const auto rule = LoginRule::parse({{"refuse", std::string("LOGIN-DELAY")},
                                      {"text", std::string("wait")},
                                      {"login_delay", std::int64_t{300}},
                                      {"expire", std::int64_t{30}}});
  EXPECT_EQ(rule.refusal, LoginRule::Refusal::LoginDelay);
  EXPECT_EQ(rule.text, "wait");
  EXPECT_EQ(rule.loginDelay, 300);
  EXPECT_EQ(rule.expireDays, 30);
  EXPECT_TRUE(LoginRule::parse({{"expire", std::string("never")}}).expireNever);
  EXPECT_EQ(LoginRule::parse({}).refusal, LoginRule::Refusal::None);
}

TEST(LoginRuleTest, RefusesWhatItCannotSayOnTheWire) {
  EXPECT_THROW(LoginRule::parse({{"refuse", std::string("IN-USE")}}), MalformedDecision);
  EXPECT_THROW(LoginRule::parse({{"text", std::string("two\r\nlines")}}), MalformedDecision);  // RFC 1939: one line
  EXPECT_THROW(LoginRule::parse({{"text", std::string(201, 'x')}}), MalformedDecision);
  EXPECT_THROW(LoginRule::parse({{"login_delay", std::int64_t{-1}}}), MalformedDecision);
  EXPECT_THROW(LoginRule::parse({{"expire", std::string("soon")}}), MalformedDecision);
  EXPECT_THROW(LoginRule::parse({{"refuze", std::string("AUTH")}}), MalformedDecision);
}

TEST(QuotaRuleTest, LimitsLeftOutAreNoLimitsAndOverIsTemporaryByDefault) {
  const auto rule = QuotaRule::parse({{"user_messages", std::int64_t{3}}});
  EXPECT_EQ(rule.userMessages, 3);
  EXPECT_FALSE(rule.userBytes || rule.tenantBytes || rule.tenantMessages);
  EXPECT_FALSE(rule.permanent);
  EXPECT_TRUE(QuotaRule::parse({{"over", std::string("permanent")}}).permanent);
  EXPECT_THROW(QuotaRule::parse({{"over", std::string("sometimes")}}), MalformedDecision);
  EXPECT_THROW(QuotaRule::parse({{"user_bytes", std::string("10M")}}), MalformedDecision);
}

TEST(DeliverRuleTest, RefusesWithACodeAndAnEnhancedCodeOfOneClass) {
  EXPECT_EQ(DeliverRule::parse({}).action, DeliverRule::Action::Accept);
  const auto rule = DeliverRule::parse({{"action", std::string("refuse")}, {"code", std::int64_t{450}}});
  EXPECT_EQ(rule.action, DeliverRule::Action::Refuse);
  EXPECT_EQ(rule.code, 450);
  EXPECT_EQ(rule.enhanced, "4.7.1");
  EXPECT_THROW(DeliverRule::parse({{"action", std::string("refuse")}, {"code", std::int64_t{250}}}), MalformedDecision);
  EXPECT_THROW(DeliverRule::parse({{"code", std::int64_t{550}}, {"enhanced", std::string("4.2.2")}}), MalformedDecision);
  EXPECT_THROW(DeliverRule::parse({{"action", std::string("drop")}}), MalformedDecision);  // mail is never dropped
}

TEST(DeliverRuleTest, ATagIsOneNonEmptyHeaderLine) {
  EXPECT_EQ(DeliverRule::parse({{"action", std::string("tag")}, {"tag", std::string("large")}}).tag, "large");
  EXPECT_THROW(DeliverRule::parse({{"action", std::string("tag")}}), MalformedDecision);
  EXPECT_THROW(DeliverRule::parse({{"action", std::string("tag")}, {"tag", std::string("a\r\nBcc: x")}}), MalformedDecision);
}

TEST(MaildropRulesTest, DaysAreWholeNumbersUpToAHundredYears) {
  const auto retention = RetentionRule::parse({{"older_than_days", std::int64_t{30}}, {"larger_than", std::int64_t{1000}}});
  EXPECT_EQ(retention.olderThanDays, 30);
  EXPECT_EQ(retention.largerThan, 1000);
  EXPECT_EQ(RetentionRule::parse({}).olderThanDays, 0);  // nothing expires
  EXPECT_EQ(KeepOnServerRule::parse({{"keep_deleted_days", std::int64_t{14}}}).keepDeletedDays, 14);
  EXPECT_THROW(KeepOnServerRule::parse({{"keep_deleted_days", std::int64_t{36501}}}), MalformedDecision);
  EXPECT_THROW(RetentionRule::parse({{"older_than_days", std::int64_t{-1}}}), MalformedDecision);
  EXPECT_THROW(RetentionRule::parse({{"keep_deleted_days", std::int64_t{1}}}), MalformedDecision);  // the other hook's field
  EXPECT_TRUE(RetentionRule::parse({{"retrieved_only", true}}).retrievedOnly);
  EXPECT_THROW(RetentionRule::parse({{"retrieved_only", std::int64_t{1}}}), MalformedDecision);
  EXPECT_EQ(KeepOnServerRule::parse({{"keep_retrieved_days", std::int64_t{7}}}).keepRetrievedDays, 7);
}

}  // namespace
}  // namespace postamt::policy
