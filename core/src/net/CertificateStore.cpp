#include "net/CertificateStore.h"

#include <Poco/Crypto/X509Certificate.h>
#include <Poco/Logger.h>
#include <openssl/ssl.h>

#include <set>

namespace postamt::net {
namespace {

Poco::Logger& log() { return Poco::Logger::get("tls"); }

// A ticket then resumes its session for one to two hours: longer than the interval at which mail clients poll, and
// within OpenSSL's session timeout of two hours, which it also tells clients as the ticket's lifetime.
constexpr auto kTicketKeyPeriod = std::chrono::hours(1);

// The DNS names a certificate is for: its subjectAltNames, else its common name (as Poco extracts them).
std::set<std::string> certificateNames(const std::string& certificateFile) {
  std::string commonName;
  std::set<std::string> names;
  Poco::Crypto::X509Certificate(certificateFile).extractNames(commonName, names);
  return names;
}

}  // namespace

CertificateStore::CertificateStore(CertificateFiles defaultFiles, std::string cipherList)
    : defaultFiles_(std::move(defaultFiles)), cipherList_(std::move(cipherList)), ticketKeys_(kTicketKeyPeriod) {
  accept_ = makeContext(defaultFiles_);
  SSL_CTX_set_tlsext_servername_callback(accept_->sslContext(), &CertificateStore::onServerName);
  SSL_CTX_set_tlsext_servername_arg(accept_->sslContext(), this);
  current_ = std::make_shared<const Selection>(Selection{accept_, {}, {}});
}

Poco::Net::Context::Ptr CertificateStore::makeContext(const CertificateFiles& files) {
  Poco::Net::Context::Ptr context = makeServerContext(files, cipherList_);
  ticketKeys_.install(context->sslContext());
  return context;
}

void CertificateStore::load(const std::vector<TenantCertificate>& tenants, DomainOwners owners) {
  Selection next{makeContext(defaultFiles_), {}, std::move(owners)};
  for (const auto& tenant : tenants) {
    try {
      const auto context = makeContext(tenant.files);
      for (const auto& name : certificateNames(tenant.files.certificate)) {
        const std::string* owner = next.owners.ownerOf(name);
        if (owner != nullptr && *owner == tenant.tenant) {
          next.byName.add(name, Served{tenant.tenant, context});
        } else {
          log().warning("tenant %s: certificate name %s is not within its domains; not served", tenant.tenant, name);
        }
      }
    } catch (const Poco::Exception& e) {
      log().error("tenant %s keeps the default certificate: %s", tenant.tenant, e.displayText());
    } catch (const std::exception& e) {
      log().error("tenant %s keeps the default certificate: %s", tenant.tenant, std::string(e.what()));
    }
  }
  auto selection = std::make_shared<const Selection>(std::move(next));
  std::lock_guard lock(mutex_);
  current_ = std::move(selection);
}

std::shared_ptr<const CertificateStore::Selection> CertificateStore::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

// Runs in the handshake, for every ClientHello, with or without a server name (OpenSSL 1.1.1 and later), so even a
// client that sends none gets the default certificate last loaded. SSL_set_SSL_CTX takes a reference on the chosen
// context: a session keeps its certificate however often load() replaces the selection.
int CertificateStore::onServerName(SSL* ssl, int*, void* store) {
  const auto selection = static_cast<CertificateStore*>(store)->current();
  const char* serverName = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  const Served* chosen = serverName == nullptr ? nullptr : selection->byName.find(serverName);
  // A wildcard stands for names its tenant need not own: "*.a.test" must not serve "shop.a.test" of another tenant.
  if (chosen != nullptr) {
    const std::string* owner = selection->owners.ownerOf(serverName);
    if (owner == nullptr || *owner != chosen->tenant) chosen = nullptr;
  }
  SSL_set_SSL_CTX(ssl, (chosen != nullptr ? chosen->context : selection->fallback)->sslContext());
  // No acknowledgement for a name not served: the client sees the default certificate and judges it itself.
  return chosen != nullptr ? SSL_TLSEXT_ERR_OK : SSL_TLSEXT_ERR_NOACK;
}

}  // namespace postamt::net
