#include <Poco/Environment.h>
#include <Poco/Path.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "auth/PasswordHash.h"

namespace postamt::auth {
namespace {

using namespace std::string_literals;

// Cheap work factors: the tests check formats and round trips, not strength.
const HashCost kFast{1024, 1, 1, 4};

struct KnownHash {
  std::string password;
  std::string hash;
};

std::vector<KnownHash> dovecotFixtures() {
  std::ifstream in(POSTAMT_TEST_FIXTURES "/dovecot-hashes.txt");
  std::vector<KnownHash> hashes;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::size_t tab = line.find('\t');
    if (tab != std::string::npos) hashes.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  return hashes;
}

std::optional<std::string> doveadmPath() {
  Poco::Path found;
  if (!Poco::Environment::has("PATH") || !Poco::Path::find(Poco::Environment::get("PATH"), "doveadm", found)) return std::nullopt;
  return found.toString();
}

struct DoveadmRun {
  int exitCode;
  std::string output;
};

// Runs doveadm without a shell (hashes are full of '$') and without the
// system's dovecot.conf, which `pw` does not need.
DoveadmRun doveadm(const std::string& path, std::vector<std::string> args) {
  args.insert(args.begin(), {"-c", "/dev/null"});
  Poco::Pipe out;
  Poco::ProcessHandle process = Poco::Process::launch(path, args, nullptr, &out, &out);
  Poco::PipeInputStream stream(out);
  std::string output;
  Poco::StreamCopier::copyToString(stream, output);
  int exitCode = process.wait();
  while (!output.empty() && output.back() == '\n') output.pop_back();
  return {exitCode, output};
}

TEST(PasswordHashTest, VerifiesEveryHashDoveadmMade) {
  std::vector<KnownHash> fixtures = dovecotFixtures();
  ASSERT_EQ(fixtures.size(), 40u);  // 10 schemes x 4 passwords
  for (const KnownHash& known : fixtures) {
    SCOPED_TRACE(known.hash);
    EXPECT_EQ(verifyPassword(known.hash, known.password), PasswordCheck::Match);
  }
}

TEST(PasswordHashTest, RejectsWrongPasswordsForEveryScheme) {
  for (const KnownHash& known : dovecotFixtures()) {
    SCOPED_TRACE(known.hash);
    EXPECT_EQ(verifyPassword(known.hash, known.password + "x"), PasswordCheck::Mismatch);
  }
}

TEST(PasswordHashTest, SchemeNamesAreCaseInsensitive) {
  EXPECT_EQ(verifyPassword("{plain}secret", "secret"), PasswordCheck::Match);
  EXPECT_EQ(verifyPassword("{Sha512-Crypt}" + hashPassword("SHA512-CRYPT", "secret").substr(14), "secret"), PasswordCheck::Match);
  EXPECT_EQ(hashPassword("ssha512", "secret").rfind("{SSHA512}", 0), 0u);
}

TEST(PasswordHashTest, HashWithoutSchemeIsCrypt) {
  std::string hash = hashPassword("SHA512-CRYPT", "secret");
  std::string bare = hash.substr(hash.find('}') + 1);
  EXPECT_EQ(verifyPassword(bare, "secret"), PasswordCheck::Match);
  EXPECT_EQ(verifyPassword(bare, "Secret"), PasswordCheck::Mismatch);
  EXPECT_EQ(verifyPassword("{CRYPT}" + bare, "secret"), PasswordCheck::Match);
}

TEST(PasswordHashTest, AliasesResolveLikeDovecot) {
  EXPECT_EQ(verifyPassword("{CLEAR}secret", "secret"), PasswordCheck::Match);
  EXPECT_EQ(verifyPassword("{CLEARTEXT}secret", "secret"), PasswordCheck::Match);
  EXPECT_EQ(verifyPassword("{MD5}$1$WBuH1Ol7$dOLHPrVSse8JJCfToenLC/", "test"), PasswordCheck::Match);  // doveadm pw -s MD5
}

TEST(PasswordHashTest, UnknownSchemeIsItsOwnResult) {
  EXPECT_EQ(verifyPassword("{NOSUCH}abc", "abc"), PasswordCheck::UnknownScheme);
  EXPECT_EQ(verifyPassword("{}abc", "abc"), PasswordCheck::UnknownScheme);
  EXPECT_THROW(hashPassword("NOSUCH", "abc"), UnknownScheme);
  EXPECT_THROW(hashPassword("SHA256-CRYPT", "abc"), UnknownScheme);  // verified, never made
  EXPECT_FALSE(canHash("MD5-CRYPT"));
  EXPECT_TRUE(canHash("argon2id"));
}

TEST(PasswordHashTest, MalformedHashesNeverMatch) {
  EXPECT_EQ(verifyPassword("{PLAIN", "{PLAIN"), PasswordCheck::Malformed);
  EXPECT_EQ(verifyPassword("{SSHA512}not*base64!", "x"), PasswordCheck::Malformed);
  EXPECT_EQ(verifyPassword("{SSHA}c2hvcnQ=", "x"), PasswordCheck::Malformed);  // shorter than a SHA-1 digest
  EXPECT_EQ(verifyPassword("{ARGON2ID}$argon2id$v=19$garbage", "x"), PasswordCheck::Malformed);
  EXPECT_EQ(verifyPassword("{ARGON2ID}$6$salt$hash", "x"), PasswordCheck::Malformed);
  EXPECT_NE(verifyPassword("{SHA512-CRYPT}$6$", "x"), PasswordCheck::Match);
  EXPECT_NE(verifyPassword("{SHA512-CRYPT}", ""), PasswordCheck::Match);
  EXPECT_NE(verifyPassword("*", ""), PasswordCheck::Match);  // a locked /etc/shadow-style entry
}

TEST(PasswordHashTest, NulBytesDoNotTruncatePasswords) {
  std::string hash = hashPassword("SHA512-CRYPT", "abc");
  EXPECT_EQ(verifyPassword(hash, "abc\0def"s), PasswordCheck::Mismatch);
  EXPECT_EQ(verifyPassword("{PLAIN}abc", "abc\0def"s), PasswordCheck::Mismatch);
  EXPECT_THROW(hashPassword("SHA512-CRYPT", "abc\0def"s), std::invalid_argument);
  EXPECT_THROW(hashPassword("PLAIN", "abc\0def"s), std::invalid_argument);
}

TEST(PasswordHashTest, OwnHashesRoundTripWithFreshSalts) {
  for (const char* scheme : {"SHA512-CRYPT", "BLF-CRYPT", "ARGON2ID", "SSHA512", "SCRAM-SHA-256"}) {
    SCOPED_TRACE(scheme);
    std::string first = hashPassword(scheme, "pässwörd €uro", kFast);
    std::string second = hashPassword(scheme, "pässwörd €uro", kFast);
    EXPECT_EQ(first.rfind("{"s + scheme + "}", 0), 0u);
    EXPECT_NE(first, second);
    EXPECT_EQ(verifyPassword(first, "pässwörd €uro"), PasswordCheck::Match);
    EXPECT_EQ(verifyPassword(first, "pässwörd euro"), PasswordCheck::Mismatch);
  }
  EXPECT_EQ(hashPassword("PLAIN", "secret"), "{PLAIN}secret");
}

TEST(PasswordHashTest, CostsReachTheHashes) {
  EXPECT_EQ(hashPassword("BLF-CRYPT", "x", kFast).rfind("{BLF-CRYPT}$2y$04$", 0), 0u);
  EXPECT_EQ(hashPassword("ARGON2ID", "x", kFast).rfind("{ARGON2ID}$argon2id$v=19$m=1024,t=1,p=1$", 0), 0u);
  EXPECT_EQ(hashPassword("ARGON2ID", "x").rfind("{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$", 0), 0u);  // Dovecot's
  EXPECT_EQ(hashPassword("SHA512-CRYPT", "x").rfind("{SHA512-CRYPT}$6$", 0), 0u);
}

TEST(PasswordHashTest, VerifiesHashesDoveadmMakesNow) {
  std::optional<std::string> path = doveadmPath();
  if (!path) GTEST_SKIP() << "doveadm is not on PATH";
  for (const char* scheme :
       {"SHA512-CRYPT", "SHA256-CRYPT", "BLF-CRYPT", "ARGON2ID", "ARGON2I", "SSHA512", "SSHA256", "SSHA", "PLAIN", "MD5-CRYPT",
        "CRAM-MD5", "SCRAM-SHA-256"}) {
    SCOPED_TRACE(scheme);
    DoveadmRun made = doveadm(*path, {"pw", "-s", scheme, "-p", "fresh pässword"});
    ASSERT_EQ(made.exitCode, 0) << made.output;
    EXPECT_EQ(verifyPassword(made.output, "fresh pässword"), PasswordCheck::Match) << made.output;
    EXPECT_EQ(verifyPassword(made.output, "fresh password"), PasswordCheck::Mismatch) << made.output;
  }
}

// doveadm pw -s SCHEME.b64 or SCHEME.HEX writes the payload in that encoding; Dovecot's SQL passdb takes it so.
TEST(PasswordHashTest, VerifiesPayloadsInTheEncodingTheirSuffixNames) {
  std::optional<std::string> path = doveadmPath();
  if (!path) GTEST_SKIP() << "doveadm is not on PATH";
  for (const char* scheme : {"SSHA512.b64", "SSHA512.HEX", "SSHA.hex", "PLAIN.b64", "PLAIN.HEX", "CRAM-MD5.b64",
                             "SHA512-CRYPT.b64", "ARGON2ID.HEX", "SCRAM-SHA-256.b64"}) {
    SCOPED_TRACE(scheme);
    DoveadmRun made = doveadm(*path, {"pw", "-s", scheme, "-p", "fresh pässword"});
    ASSERT_EQ(made.exitCode, 0) << made.output;
    EXPECT_EQ(verifyPassword(made.output, "fresh pässword"), PasswordCheck::Match) << made.output;
    EXPECT_EQ(verifyPassword(made.output, "fresh password"), PasswordCheck::Mismatch) << made.output;
  }
  EXPECT_EQ(verifyPassword("{PLAIN.HEX}7", "p"), PasswordCheck::Malformed);
  EXPECT_EQ(verifyPassword("{PLAIN.ROT13}c", "p"), PasswordCheck::UnknownScheme);
}

// RFC 2104 section 2: a key longer than MD5's 64-octet block is hashed first; Dovecot's CRAM-MD5 context does the same.
TEST(PasswordHashTest, CramMd5OfPasswordsAroundTheBlockSize) {
  std::optional<std::string> path = doveadmPath();
  if (!path) GTEST_SKIP() << "doveadm is not on PATH";
  for (const std::size_t length : {1u, 63u, 64u, 65u, 200u}) {
    const std::string password(length, 'p');
    DoveadmRun made = doveadm(*path, {"pw", "-s", "CRAM-MD5", "-p", password});
    ASSERT_EQ(made.exitCode, 0) << made.output;
    EXPECT_EQ(verifyPassword(made.output, password), PasswordCheck::Match) << length;
    EXPECT_EQ(verifyPassword(made.output, password + "p"), PasswordCheck::Mismatch) << length;
  }
}

// CRAM-MD5 keeps imported users working; new passwords never get it (it is as good as the password to a thief).
TEST(PasswordHashTest, CramMd5IsVerifiedButNeverMade) {
  EXPECT_EQ(verifyPassword("{CRAM-MD5}cd3ba7deaad6e5ca23448ba42e379747a9e0f7f1fbc00c8a81bbaac395731b56", "secret"),
            PasswordCheck::Match);  // doveadm pw -s CRAM-MD5 -p secret
  EXPECT_EQ(verifyPassword("{CRAM-MD5}cd3ba7de", "secret"), PasswordCheck::Malformed);
  EXPECT_FALSE(canHash("CRAM-MD5"));
  EXPECT_TRUE(canHash("SCRAM-SHA-256"));
}

TEST(PasswordHashTest, DoveadmAcceptsOurHashes) {
  std::optional<std::string> path = doveadmPath();
  if (!path) GTEST_SKIP() << "doveadm is not on PATH";
  for (const char* scheme : {"SHA512-CRYPT", "BLF-CRYPT", "ARGON2ID", "SSHA512", "SCRAM-SHA-256", "PLAIN"}) {
    SCOPED_TRACE(scheme);
    std::string hash = hashPassword(scheme, "our pässword", kFast);
    DoveadmRun accepted = doveadm(*path, {"pw", "-t", hash, "-p", "our pässword"});
    EXPECT_EQ(accepted.exitCode, 0) << accepted.output;
    EXPECT_NE(accepted.output.find("(verified)"), std::string::npos) << accepted.output;
    EXPECT_NE(doveadm(*path, {"pw", "-t", hash, "-p", "our password"}).exitCode, 0);
  }
}

}  // namespace
}  // namespace postamt::auth

namespace postamt::auth {
namespace {

// Issue 4 item 7: ARGON2ID, ARGON2I, BLF-CRYPT and the crypt schemes generally go through the slow-hash gate.
TEST(PasswordHashTest, TellsTheDeliberatelySlowSchemesFromTheFastOnes) {
  for (const char* slow : {"{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA", "{argon2i}x", "{BLF-CRYPT}$2y$05$x",
                           "{SHA512-CRYPT}$6$x", "{SHA256-CRYPT}$5$x", "{MD5-CRYPT}$1$x", "$6$bare$crypt", "{SCRAM-SHA-256}x"})
    EXPECT_TRUE(isDeliberatelySlow(slow)) << slow;
  for (const char* fast : {"{PLAIN}x", "{CLEARTEXT}x", "{SSHA512}x", "{SSHA}x", "{CRAM-MD5}x", "{NOSUCH}x", "{unclosed"})
    EXPECT_FALSE(isDeliberatelySlow(fast)) << fast;
}

}  // namespace
}  // namespace postamt::auth
