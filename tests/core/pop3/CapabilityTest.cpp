#include <gtest/gtest.h>

#include "pop3/Capability.h"

namespace postamt::pop3 {
namespace {

using List = std::vector<std::string>;

// RFC 2449 section 6 and RFC 3206 section 6: what this server implements.
TEST(CapabilityTest, ListsWhatTheSessionImplements) {
  SessionSettings settings;
  settings.implementation = "Postamt 0.1";
  EXPECT_EQ(capabilities(settings),
            (List{"TOP", "USER", "SASL PLAIN LOGIN", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "UIDL", "UTF8",
                  "IMPLEMENTATION Postamt 0.1"}));
}

// RFC 2449 section 6.2: USER only where USER/PASS is accepted; RFC 2595 section 6: the same for the SASL
// mechanisms that send the password as it is.
TEST(CapabilityTest, LeavesUserAndCleartextMechanismsOutWhenCleartextLoginIsNotAllowed) {
  SessionSettings settings;
  settings.allowCleartextLogin = false;
  EXPECT_EQ(capabilities(settings),
            (List{"TOP", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "UIDL", "UTF8", "IMPLEMENTATION Postamt"}));
  settings.saslMechanisms = {"LOGIN", "SCRAM-SHA-256", "XOAUTH2", "CRAM-MD5", "PLAIN"};
  EXPECT_EQ(capabilities(settings)[1], "SASL SCRAM-SHA-256 CRAM-MD5");
}

// RFC 2449 section 6.3: SASL lists the configured mechanisms, strongest first; none configured, no SASL line.
TEST(CapabilityTest, ListsTheConfiguredSaslMechanismsStrongestFirst) {
  SessionSettings settings;
  settings.saslMechanisms = {"PLAIN", "OAUTHBEARER", "SCRAM-SHA-256"};
  EXPECT_EQ(capabilities(settings)[2], "SASL SCRAM-SHA-256 OAUTHBEARER PLAIN");
  settings.saslMechanisms.clear();
  EXPECT_EQ(capabilities(settings)[2], "RESP-CODES");
}

TEST(CapabilityTest, LeavesImplementationOutWhenItIsNotConfigured) {
  SessionSettings settings;
  settings.implementation.clear();
  EXPECT_EQ(capabilities(settings),
            (List{"TOP", "USER", "SASL PLAIN LOGIN", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "UIDL", "UTF8"}));
}

}  // namespace
}  // namespace postamt::pop3
