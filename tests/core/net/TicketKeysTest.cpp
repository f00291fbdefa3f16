#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "net/TicketKeys.h"

namespace postamt::net {
namespace {

using Context = std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)>;
using Session = std::unique_ptr<SSL_SESSION, decltype(&SSL_SESSION_free)>;

// A server context with a fresh self-signed P-256 certificate, made in memory.
Context serverContext(int version) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> certificate(X509_new(), X509_free);
  X509_set_version(certificate.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 3600);
  X509_set_pubkey(certificate.get(), key.get());
  X509_NAME* name = X509_get_subject_name(certificate.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("mail.test"), -1, -1, 0);
  X509_set_issuer_name(certificate.get(), name);
  X509_sign(certificate.get(), key.get(), EVP_sha256());
  Context context(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  SSL_CTX_use_certificate(context.get(), certificate.get());
  SSL_CTX_use_PrivateKey(context.get(), key.get());
  SSL_CTX_set_min_proto_version(context.get(), version);
  SSL_CTX_set_max_proto_version(context.get(), version);
  return context;
}

struct Handshake {
  bool resumed = false;
  Session ticket{nullptr, SSL_SESSION_free};  // what the client keeps for its next connection
};

// One connection over a pair of memory BIOs: the handshake, then a record from the server, which carries a TLS 1.3
// ticket to the client.
Handshake connect(SSL_CTX* server, SSL_SESSION* offered) {
  Context client(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  std::unique_ptr<SSL, decltype(&SSL_free)> serverSide(SSL_new(server), SSL_free);
  std::unique_ptr<SSL, decltype(&SSL_free)> clientSide(SSL_new(client.get()), SSL_free);
  BIO* serverEnd = nullptr;
  BIO* clientEnd = nullptr;
  BIO_new_bio_pair(&serverEnd, 0, &clientEnd, 0);
  SSL_set_bio(serverSide.get(), serverEnd, serverEnd);
  SSL_set_bio(clientSide.get(), clientEnd, clientEnd);
  SSL_set_accept_state(serverSide.get());
  SSL_set_connect_state(clientSide.get());
  if (offered != nullptr) SSL_set_session(clientSide.get(), offered);
  for (int flight = 0; flight < 8 && !(SSL_is_init_finished(serverSide.get()) && SSL_is_init_finished(clientSide.get()));
       ++flight) {
    SSL_do_handshake(clientSide.get());
    SSL_do_handshake(serverSide.get());
  }
  EXPECT_TRUE(SSL_is_init_finished(serverSide.get()) && SSL_is_init_finished(clientSide.get()));
  char greeting[16];
  std::size_t got = 0;
  EXPECT_EQ(SSL_write(serverSide.get(), "+OK\r\n", 5), 5);
  EXPECT_EQ(SSL_read_ex(clientSide.get(), greeting, sizeof greeting, &got), 1);
  Handshake done;
  done.resumed = SSL_session_reused(clientSide.get()) == 1;
  done.ticket.reset(SSL_get1_session(clientSide.get()));
  SSL_shutdown(clientSide.get());
  return done;
}

std::string ticketOf(const SSL_SESSION* session) {
  const unsigned char* ticket = nullptr;
  std::size_t length = 0;
  SSL_SESSION_get0_ticket(session, &ticket, &length);
  return std::string(reinterpret_cast<const char*>(ticket), length);
}

class TicketKeysTest : public ::testing::TestWithParam<int> {
 protected:
  TicketKeys keys{std::chrono::hours(1)};
  Context server = serverContext(GetParam());
  void SetUp() override { keys.install(server.get()); }
};

TEST_P(TicketKeysTest, ATicketResumesItsSession) {
  const Handshake first = connect(server.get(), nullptr);
  EXPECT_FALSE(first.resumed);
  EXPECT_TRUE(connect(server.get(), first.ticket.get()).resumed);
}

TEST_P(TicketKeysTest, ATicketStillResumesAfterOneRotation) {
  const Handshake first = connect(server.get(), nullptr);
  keys.rotate();
  EXPECT_TRUE(connect(server.get(), first.ticket.get()).resumed);
}

TEST_P(TicketKeysTest, AfterTwoRotationsATicketGetsAFullHandshakeAndANewTicket) {
  const Handshake first = connect(server.get(), nullptr);
  keys.rotate();
  keys.rotate();
  const Handshake second = connect(server.get(), first.ticket.get());
  EXPECT_FALSE(second.resumed);
  EXPECT_TRUE(connect(server.get(), second.ticket.get()).resumed);
}

// Another process's keys (a restart, or another frontend) open nothing sealed here: the client just makes a full
// handshake.
TEST_P(TicketKeysTest, KeysOfAnotherServerOpenNoTicket) {
  const Handshake first = connect(server.get(), nullptr);
  TicketKeys otherKeys{std::chrono::hours(1)};
  Context other = serverContext(GetParam());
  otherKeys.install(other.get());
  EXPECT_FALSE(connect(other.get(), first.ticket.get()).resumed);
}

// Keys rotate as tickets are sealed once a period is over, without a timer.
TEST_P(TicketKeysTest, AnElapsedPeriodRotatesTheKeysAtTheNextTicket) {
  TicketKeys shortLived{std::chrono::milliseconds(1)};
  shortLived.install(server.get());
  const Handshake first = connect(server.get(), nullptr);
  for (int sealed = 0; sealed < 2; ++sealed) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    connect(server.get(), nullptr);  // each seals its ticket with a new key
  }
  EXPECT_FALSE(connect(server.get(), first.ticket.get()).resumed);
}

// RFC 8446 section C.4: a TLS 1.3 client should not offer a ticket twice, so each resumption must bring a new one.
// (TLS 1.2 renews a ticket only when its key is about to go, as RFC 5077 section 3.3 allows.)
TEST(TicketKeysTls13Test, EveryResumptionBringsANewTicket) {
  TicketKeys keys{std::chrono::hours(1)};
  const Context server = serverContext(TLS1_3_VERSION);
  keys.install(server.get());
  const Handshake first = connect(server.get(), nullptr);
  const Handshake second = connect(server.get(), first.ticket.get());
  ASSERT_TRUE(second.resumed);
  EXPECT_FALSE(ticketOf(second.ticket.get()).empty());
  EXPECT_NE(ticketOf(second.ticket.get()), ticketOf(first.ticket.get()));
}

INSTANTIATE_TEST_SUITE_P(TlsVersions, TicketKeysTest, ::testing::Values(TLS1_2_VERSION, TLS1_3_VERSION),
                         [](const auto& info) { return info.param == TLS1_2_VERSION ? "Tls12" : "Tls13"; });

}  // namespace
}  // namespace postamt::net
