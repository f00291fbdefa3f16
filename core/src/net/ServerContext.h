#pragma once

#include <Poco/Net/Context.h>

#include <string>
#include <vector>

namespace postamt::net {

// A certificate chain and its private key, both PEM files.
struct CertificateFiles {
  std::string certificate;
  std::string key;
};

// A tenant's own certificate, served for the names in it that lie within the tenant's domains.
struct TenantCertificate {
  std::string tenant;
  CertificateFiles files;
  std::vector<std::string> domains;
};

// TLS 1.2 suites with forward secrecy and AEAD only (Mozilla's "intermediate" profile, as RFC 9325 section 4.2
// recommends); TLS 1.3 suites are OpenSSL's defaults, which are all modern.
inline constexpr const char* kDefaultCipherList =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// A server context serving `files`: TLS 1.2 and 1.3 only, no client certificates, no renegotiation. Built here and
// nowhere else, never through SSLManager, which would prompt on the console (TOOLCHAIN pitfall 8). Throws
// std::runtime_error naming the files when they cannot be loaded or do not match; an encrypted key is refused.
Poco::Net::Context::Ptr makeServerContext(const CertificateFiles& files, const std::string& cipherList = kDefaultCipherList);

}  // namespace postamt::net
