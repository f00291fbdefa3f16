#pragma once

#include <Poco/Net/Context.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "net/ServerContext.h"
#include "net/ServerNames.h"
#include "net/TicketKeys.h"

typedef struct ssl_st SSL;

namespace postamt::net {

// The server's certificates: a default one and the tenants' own, picked per handshake by the client's server name
// (SNI, RFC 6066 section 3). Poco has no SNI API, so OpenSSL's servername callback on the accepting context picks.
// Every TLS listener and every STLS upgrade accepts with acceptContext(); load() swaps in a new set of certificates
// for the handshakes that follow, while sessions already encrypted keep theirs. Session tickets from any of them
// resume on all of them, sealed with keys that rotate hourly (TicketKeys). Thread-safe.
class CertificateStore {
 public:
  // Throws std::runtime_error when the default certificate cannot be loaded.
  CertificateStore(CertificateFiles defaultFiles, std::string cipherList);
  CertificateStore(const CertificateStore&) = delete;
  CertificateStore& operator=(const CertificateStore&) = delete;

  Poco::Net::Context::Ptr acceptContext() const { return accept_; }

  // Reads the default certificate's files again and builds every tenant's context, then serves them all at once.
  // A tenant's certificate serves only the names that belong to it among `owners`. Throws, keeping what is served
  // now, when the default fails; a tenant whose files fail is logged and gets the default certificate, so one
  // tenant's mistake does not take TLS away from the others.
  void load(const std::vector<TenantCertificate>& tenants, DomainOwners owners);

 private:
  struct Served {
    std::string tenant;
    Poco::Net::Context::Ptr context;
  };
  struct Selection {
    Poco::Net::Context::Ptr fallback;
    ServerNames<Served> byName;
    DomainOwners owners;
  };
  static int onServerName(SSL* ssl, int* alert, void* store);
  std::shared_ptr<const Selection> current() const;

  Poco::Net::Context::Ptr makeContext(const CertificateFiles& files);

  const CertificateFiles defaultFiles_;
  const std::string cipherList_;
  TicketKeys ticketKeys_;  // before every context: they seal with these keys
  Poco::Net::Context::Ptr accept_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Selection> current_;
};

}  // namespace postamt::net
