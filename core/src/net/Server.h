#pragma once

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lmtp/DeliveryAgent.h"
#include "lmtp/Session.h"
#include "net/CertificateStore.h"
#include "net/ConnectionLimits.h"
#include "net/ProxyHeaderReceiver.h"
#include "net/SessionConnection.h"
#include "net/SessionRegistry.h"
#include "net/TrustedNetworks.h"
#include "pop3/Authenticator.h"
#include "pop3/Session.h"

namespace postamt::net {

enum class Protocol { Pop3, Lmtp };

// None: plain only. StartTls: plain, and TLS when the client sends STLS (RFC 2595). Implicit: TLS from the first
// byte (POP3S, RFC 8314).
enum class Tls { None, StartTls, Implicit };

struct ListenerSettings {
  std::string name;  // "pop3", from listener.<name>.address
  Protocol protocol = Protocol::Pop3;
  Poco::Net::SocketAddress address;  // host:port, or a unix socket path
  int unixSocketMode = 0660;         // permissions of a unix socket, so the MTA's user can connect
  Tls tls = Tls::None;
  ProxyProtocol proxy;  // behind HAProxy (send-proxy-v2): the header names the client
};

struct ServerSettings {
  std::vector<ListenerSettings> listeners;
  // A pool thread is held for a whole connection, so the pool is sized for
  // thousands of mostly idle sessions, with small stacks.
  int maxConnections = 2000;
  int maxQueued = 64;
  int threadStackKiB = 256;
  pop3::SessionSettings pop3;
  lmtp::SessionSettings lmtp;
  // RFC 2595 section 6: where a password may travel without TLS.
  TrustedNetworks trustedNetworks = TrustedNetworks::parse(kLoopbackNetworks);
  ConnectionLimitSettings limits;
  // The brute-force defence of every POP3 listener of the process together.
  pop3::ThrottleSettings loginThrottle;
};

// One Poco TCPServer per listener over one bounded thread pool.
class Server {
 public:
  // `certificates` serves every listener with TLS, `observers` hear what every
  // connection does; all must outlive the server.
  Server(ServerSettings settings, pop3::Authenticator& authenticator, lmtp::DeliveryAgent& deliveryAgent,
         const CertificateStore* certificates = nullptr, Observers observers = {});
  ~Server();

  void start();  // binds every listener; throws Poco::Exception when one cannot bind
  // The first step of a drain (SIGTERM): closes every listener, so a new connect is refused at once, and drops
  // connections still queued; running sessions go on.
  void stopAccepting();
  std::size_t openSessions() const;
  // Stops accepting, tells every session the server is going away, applies
  // none of their deletions, and waits for their threads.
  void stop();
  // SIGHUP: sessions that begin from now on get `next`'s POP3 and LMTP settings and trusted networks; running ones
  // keep theirs. The listeners, the pool and the connection limit stay as started.
  void reconfigure(const ServerSettings& next);
  // Releases pool threads left idle after a load spike (TOOLCHAIN pitfall 18).
  void collectIdleThreads();
  std::vector<std::string> describeListeners() const;

 private:
  Poco::Net::TCPServerConnectionFactory* connectionFactory(const ListenerSettings& listener);

  ServerSettings settings_;
  pop3::LoginThrottle loginThrottle_;  // one per process: a client's failures count on every listener
  pop3::Authenticator& authenticator_;
  lmtp::DeliveryAgent& deliveryAgent_;
  const CertificateStore* certificates_;
  Observers observers_;
  SessionRegistry registry_;
  ConnectionLimits limits_;
  Poco::ThreadPool pool_;
  std::vector<std::unique_ptr<Poco::Net::TCPServer>> servers_;  // destroyed before the pool
  std::vector<std::function<void(const ServerSettings&)>> reconfigurers_;  // one per listener's factory, owned by servers_
};

}  // namespace postamt::net
