#pragma once

namespace postamt::pop3 {

// The one thing a session may ask of the connection it runs on: to switch to TLS (RFC 2595 section 4, STLS). The
// network layer implements it; the session stays free of sockets. Shared by the POP3 and LMTP sessions, like
// ResponseSink.
class TlsTransport {
 public:
  virtual ~TlsTransport() = default;
  // Called once the session has written its "+OK" to STLS. Returns at once: when receive() returns, the transport
  // sends that "+OK", negotiates TLS before it reads another byte, and ends the connection if the negotiation fails.
  virtual void startTls() = 0;
};

}  // namespace postamt::pop3
