#include "net/ServerContext.h"

#include <Poco/Net/SSLException.h>
#include <openssl/ssl.h>

#include <stdexcept>

namespace postamt::net {

Poco::Net::Context::Ptr makeServerContext(const CertificateFiles& files, const std::string& cipherList) {
  Poco::Net::Context::Params params;
  params.certificateFile = files.certificate;
  params.privateKeyFile = files.key;
  params.verificationMode = Poco::Net::Context::VERIFY_NONE;  // the default asks clients for certificates (pitfall 7)
  params.cipherList = cipherList;
  const std::string what = "cannot load TLS certificate " + files.certificate + " with key " + files.key + ": ";
  try {
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
    // A key that does not match its certificate is dropped by OpenSSL in silence; every handshake would fail later.
    if (SSL_CTX_check_private_key(context->sslContext()) != 1) throw std::runtime_error(what + "the key does not match");
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    context->preferServerCiphers();
    if (SSL_CTX_set_ciphersuites(context->sslContext(), kTls13Suites) != 1)
      throw std::runtime_error(what + "TLS 1.3 suites refused");
    // A client that closes without close_notify (Python's default) ends its session like any other; without this
    // OpenSSL 3 throws "unexpected eof" (TOOLCHAIN pitfall 6). Renegotiation only ever served attacks here.
    SSL_CTX_set_options(context->sslContext(), SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_RENEGOTIATION);
    // TLS 1.3 resumes with one ticket; OpenSSL's default of two made every handshake encode and encrypt a session
    // the client would never use.
    SSL_CTX_set_num_tickets(context->sslContext(), 1);
    return context;
  } catch (const Poco::Exception& e) {
    throw std::runtime_error(what + e.displayText());
  }
}

}  // namespace postamt::net
