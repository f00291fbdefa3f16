#include <gtest/gtest.h>

#include <algorithm>

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

// RFC 2595 section 4: STLS is a capability while the session may issue it.
TEST(CapabilityTest, ListsStlsWhenItMayBeIssued) {
  SessionSettings settings;
  EXPECT_EQ(capabilities(settings, true),
            (List{"TOP", "USER", "SASL PLAIN LOGIN", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "UIDL", "STLS", "UTF8",
                  "IMPLEMENTATION Postamt"}));
}

TEST(CapabilityTest, LeavesImplementationOutWhenItIsNotConfigured) {
  SessionSettings settings;
  settings.implementation.clear();
  EXPECT_EQ(capabilities(settings),
            (List{"TOP", "USER", "SASL PLAIN LOGIN", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "UIDL", "UTF8"}));
}

// RFC 2449 sections 6.5 and 6.7: before login, values that vary by user carry the USER tag.
TEST(CapabilityTest, AnnouncesLoginDelayAndExpireThatVaryByUser) {
  SessionSettings settings;
  const auto offered = capabilities(settings, false, PolicyAnnouncement{0, 0, true});
  EXPECT_EQ(std::count(offered.begin(), offered.end(), "LOGIN-DELAY 0 USER"), 1);
  EXPECT_EQ(std::count(offered.begin(), offered.end(), "EXPIRE 0 USER"), 1);
}

// After login the user's own values, without the tag; NEVER never takes one (section 6.7).
TEST(CapabilityTest, AnnouncesTheUsersOwnValuesAfterLogin) {
  SessionSettings settings;
  auto offered = capabilities(settings, false, PolicyAnnouncement{300, 30, false});
  EXPECT_EQ(std::count(offered.begin(), offered.end(), "LOGIN-DELAY 300"), 1);
  EXPECT_EQ(std::count(offered.begin(), offered.end(), "EXPIRE 30"), 1);
  offered = capabilities(settings, false, PolicyAnnouncement{0, std::nullopt, true});
  EXPECT_EQ(std::count(offered.begin(), offered.end(), "EXPIRE NEVER"), 1);
}

TEST(CapabilityTest, AnnouncesNeitherWithoutPolicies) {
  SessionSettings settings;
  for (const auto& capability : capabilities(settings)) {
    EXPECT_NE(capability.rfind("LOGIN-DELAY", 0), 0u);
    EXPECT_NE(capability.rfind("EXPIRE", 0), 0u);
  }
}

}  // namespace
}  // namespace postamt::pop3
