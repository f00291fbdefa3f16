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
};

// TLS 1.2 suites with forward secrecy and AEAD only (Mozilla's "intermediate" profile, as RFC 9325 section 4.2
// recommends).
inline constexpr const char* kDefaultCipherList =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// TLS 1.3: OpenSSL's three suites in Mozilla's order, AES-128 first. The server's choice wins, and its SHA-256 key
// schedule costs a resumed handshake less than SHA-384's on CPUs with SHA extensions, for no security a mail
// session would miss.
inline constexpr const char* kTls13Suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

// A server context serving `files`: TLS 1.2 and 1.3 only, no client certificates, no renegotiation. Built here and
// nowhere else, never through SSLManager, which would prompt on the console (TOOLCHAIN pitfall 8). Throws
// std::runtime_error naming the files when they cannot be loaded or do not match; an encrypted key is refused.
Poco::Net::Context::Ptr makeServerContext(const CertificateFiles& files, const std::string& cipherList = kDefaultCipherList);

}  // namespace postamt::net
