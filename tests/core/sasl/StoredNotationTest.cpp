#include <gtest/gtest.h>

#include "sasl/StoredNotation.h"

namespace postamt::sasl {
namespace {

void expectNotation(std::string_view stored, std::string_view scheme, std::string_view payload) {
  SCOPED_TRACE(stored);
  const auto notation = parseStoredNotation(stored);
  ASSERT_TRUE(notation.has_value());
  EXPECT_EQ(notation->scheme, scheme);
  EXPECT_EQ(notation->payload, payload);
}

TEST(StoredNotationTest, APayloadInTheSchemesOwnEncodingIsKeptAsItIs) {
  expectNotation("{SSHA512}c2FsdGVk", "SSHA512", "c2FsdGVk");
  expectNotation("{plain}pässwörd", "plain", "pässwörd");
  expectNotation("{CRAM-MD5}cd3ba7deaad6e5ca23448ba42e379747a9e0f7f1fbc00c8a81bbaac395731b56", "CRAM-MD5",
                 "cd3ba7deaad6e5ca23448ba42e379747a9e0f7f1fbc00c8a81bbaac395731b56");
  expectNotation("$6$salt$hash", "CRYPT", "$6$salt$hash");  // Dovecot takes a bare hash for CRYPT
}

// doveadm pw -s SCHEME.b64 / SCHEME.HEX: the suffix names the payload's encoding, in any case.
TEST(StoredNotationTest, ASuffixedPayloadIsReadInTheSchemesOwnEncoding) {
  expectNotation("{PLAIN.B64}cMOkc3N3w7ZyZA==", "PLAIN", "pässwörd");
  expectNotation("{plain.hex}70c3a4737377c3b67264", "plain", "pässwörd");
  expectNotation("{PLAIN.BASE64}cMOkc3N3w7ZyZA==", "PLAIN", "pässwörd");
  expectNotation("{SSHA.HEX}54898f131d4feebdd5f288981cc147a91c788411efea8141", "SSHA", "VImPEx1P7r3V8oiYHMFHqRx4hBHv6oFB");
  expectNotation("{CRAM-MD5.B64}SmC9N5JPxdRbTJLOaVushssjS8MCiqsqcaIlyw3t+7k=", "CRAM-MD5",
                 "4a60bd37924fc5d45b4c92ce695bac86cb234bc3028aab2a71a225cb0dedfbb9");
  expectNotation("{SSHA512.b64}c2FsdGVk", "SSHA512", "c2FsdGVk");  // its own encoding named: nothing to do
}

// Dovecot's password_decode(): without a suffix, a payload of fixed size is hex when twice that long, else base64.
TEST(StoredNotationTest, AnUnsuffixedCramMd5ContextMayBeBase64) {
  expectNotation("{CRAM-MD5}SmC9N5JPxdRbTJLOaVushssjS8MCiqsqcaIlyw3t+7k=", "CRAM-MD5",
                 "4a60bd37924fc5d45b4c92ce695bac86cb234bc3028aab2a71a225cb0dedfbb9");
}

TEST(StoredNotationTest, AnUnknownSuffixStaysInTheName) { expectNotation("{SSHA.ROT13}abc", "SSHA.ROT13", "abc"); }

TEST(StoredNotationTest, APayloadNotInTheNamedEncodingIsNothing) {
  EXPECT_FALSE(parseStoredNotation("{PLAIN.HEX}abc"));        // an odd count of digits
  EXPECT_FALSE(parseStoredNotation("{PLAIN.HEX}zz"));         // not a digit
  EXPECT_FALSE(parseStoredNotation("{PLAIN.B64}c2Fs dA=="));  // a space
  EXPECT_FALSE(parseStoredNotation("{CRAM-MD5}cd3ba7de!"));   // neither 64 hex digits nor base64
  EXPECT_FALSE(parseStoredNotation("{PLAIN"));                // never closed
}

TEST(StoredNotationTest, TheSchemeAloneIsTheOneTheWholeParseGives) {
  EXPECT_EQ(storedScheme("{SSHA512.HEX}not hex at all"), "SSHA512");  // named without decoding the payload
  EXPECT_EQ(storedScheme("{SSHA.ROT13}abc"), "SSHA.ROT13");
  EXPECT_EQ(storedScheme("$6$salt$hash"), "CRYPT");
  EXPECT_EQ(storedScheme("{PLAIN"), std::nullopt);
}

TEST(StoredNotationTest, SchemeNamesCompareWithoutRegardToCase) {
  EXPECT_TRUE(sameSchemeName("scram-sha-256", "SCRAM-SHA-256"));
  EXPECT_FALSE(sameSchemeName("SCRAM-SHA-25", "SCRAM-SHA-256"));
  EXPECT_FALSE(sameSchemeName("PLAIN", "PLAIM"));
}

}  // namespace
}  // namespace postamt::sasl
