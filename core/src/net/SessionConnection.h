#pragma once

#include <Poco/Logger.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <poll.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>

#include "events/ObservedDelivery.h"
#include "events/ObservedLogin.h"
#include "metrics/SessionMetrics.h"
#include "net/ConnectionLimits.h"
#include "net/LimitedLogin.h"
#include "net/ProxyHeaderReceiver.h"
#include "net/SessionEndLog.h"
#include "net/SessionRegistry.h"
#include "net/SocketResponseSink.h"
#include "net/TrustedNetworks.h"
#include "pop3/TlsTransport.h"

namespace postamt::net {

// The address a session logs and hands to policies: the peer's IP, or
// "local" for a unix socket.
std::string peerName(const Poco::Net::StreamSocket& socket);

// How a listener protects its connections.
struct ConnectionSecurity {
  Poco::Net::Context::Ptr tls;  // the context TLS is accepted with; null: this listener has no TLS
  bool implicit = false;        // TLS from the first byte (POP3S, RFC 8314), else only on the session's request (STLS)
  TrustedNetworks trusted;      // peers that may log in with a password over an unencrypted connection
  ProxyProtocol proxy;          // whether connections come through a proxy that names the real client
  // Counts POP3 connections by client address, user and tenant; null: unlimited.
  ConnectionLimits* limits = nullptr;
};

// Who hears what connections do.
struct Observers {
  events::EventBus* bus = nullptr;             // null: nobody listens
  metrics::SessionMetrics* metrics = nullptr;  // null: no command timings
};

// What a listener's connections report, and under which name.
struct ConnectionEvents {
  std::string listener;  // the listener's name, for events, metrics and logs
  Observers observers;
};

// A connection's own view of its service: the listener's authenticator or
// delivery agent, wrapped so that what happens through it becomes events.
inline std::unique_ptr<pop3::Authenticator> observed(pop3::Authenticator& service, events::EventBus& bus,
                                                     const events::Origin& origin) {
  return std::make_unique<events::ObservedLogin>(service, bus, origin);
}
inline std::unique_ptr<lmtp::DeliveryAgent> observed(lmtp::DeliveryAgent& service, events::EventBus& bus,
                                                     const events::Origin& origin) {
  return std::make_unique<events::ObservedDelivery>(service, bus, origin);
}

// Waits until `fd` has bytes to read (or the peer hung up) for at most `timeout`; false when the time ran out.
// Poco's Socket::poll() would do, but it creates and closes an epoll instance on every call: a sixth of the
// server's CPU in the download benchmark.
bool awaitReadable(int fd, std::chrono::milliseconds timeout);

// Numbers this process's connections from 1, for events and logs.
std::uint64_t nextConnectionNumber();

// One client on one pool thread: pumps bytes between the socket and a
// protocol session, runs its idle timer, and negotiates TLS when the listener
// or the session asks. Nothing protocol-specific lives here; pop3::Session and
// lmtp::Session have the same shape:
//   Session(Service&, Settings, ResponseSink&), greet(), receive(bytes),
//   timeOut(), stop(), closed(), idleTimeout(); Settings has remoteAddress.
// A session that can start TLS also takes a pop3::TlsTransport*, and its
// Settings say whether the connection is secure and may carry passwords.
template <typename Session, typename Service, typename Settings>
class SessionConnection : public Poco::Net::TCPServerConnection, private pop3::TlsTransport {
 public:
  SessionConnection(const Poco::Net::StreamSocket& socket, Service& service, const Settings& settings, SessionRegistry& registry,
                    std::shared_ptr<const ConnectionSecurity> security, const ConnectionEvents& events)
      : TCPServerConnection(socket),
        service_(service),
        settings_(settings),
        registry_(registry),
        security_(std::move(security)),
        events_(events),
        io_(socket) {}

  void run() override {
    SessionRegistry::Registration registration(registry_, socket());
    settings_.remoteAddress = peerName(io_);
    // From here on the client is the one the proxy names: in logs, events, limits, policies and the trusted check.
    if (security_->proxy.required && !receiveProxied()) return;
    origin_ = events::Origin{nextConnectionNumber(), events_.listener, settings_.remoteAddress, security_->implicit};
    Reported reported(*this);
    try {
      if constexpr (requires(Settings s) { s.secure = s.allowCleartextLogin = true; }) {
        settings_.secure = security_->implicit;
        settings_.allowCleartextLogin =
            settings_.secure || security_->trusted.contains(proxiedClient_ ? *proxiedClient_ : io_.peerAddress());
      }
      // A client that never reads its responses must not hold the thread forever.
      io_.setSendTimeout(Poco::Timespan(settings_.idleTimeout.count(), 0));
      SocketResponseSink sink(io_);
      Session session = openSession(sink);
      EndLogged logged(session, origin_);
      // Before TLS: a handshake is the dearest part of a connection, and a flood from one address buys none. Nothing,
      // not even the greeting, goes out in the clear on a TLS port, so the refusal there is silent (the log says why).
      if (!admitted()) {
        if (!security_->implicit) {
          sink.write(kTooManyFromAddress);
          sink.flush();
        }
        return;
      }
      if (security_->implicit && !handshake(session)) return;
      session.greet();
      sink.flush();
      pump(session, sink);
      sink.flush();
    } catch (const Poco::Exception& e) {
      // The client went away mid-response; the session closed without applying anything.
      Poco::Logger::get("net").debug("connection from %s ended: %s", settings_.remoteAddress, e.displayText());
    } catch (const std::exception& e) {
      Poco::Logger::get("net").error("connection from %s ended by an error: %s", settings_.remoteAddress, std::string(e.what()));
    }
  }

 private:
  // Small reads on purpose: a command line is short, and a pipelined batch
  // larger than this simply arrives in several reads.
  static constexpr int kReadChunk = 4096;
  // RFC 3206 section 4: SYS/TEMP, a problem of the server's that may go away; said instead of the greeting.
  static constexpr std::string_view kTooManyFromAddress =
      "-ERR [SYS/TEMP] Too many connections from your address, try again later.\r\n";

  static constexpr bool kPop3 = std::is_same_v<Service, pop3::Authenticator>;

  // Reads the PROXY header, from a trusted proxy only. False: the connection is refused, without a word, and logged.
  bool receiveProxied() {
    const std::string proxy = settings_.remoteAddress;
    try {
      if (!security_->proxy.from.contains(io_.peerAddress())) {
        Poco::Logger::get("net").warning("connection from %s refused: not a trusted PROXY protocol sender", proxy);
        return false;
      }
      if (const auto source = receiveProxyHeader(socket(), security_->proxy.timeout)) {
        settings_.remoteAddress = source->address;
        proxiedClient_ = Poco::Net::SocketAddress(source->address, source->port);
      }
      return true;
    } catch (const ProxyHeaderError& e) {
      Poco::Logger::get("net").warning("connection from %s refused: %s", proxy, std::string(e.what()));
    } catch (const Poco::Exception& e) {
      Poco::Logger::get("net").debug("connection from %s ended before its PROXY header: %s", proxy, e.displayText());
    }
    return false;
  }

  // The per-address limit, for POP3 clients. LMTP is exempt: its one client, the MTA, opens many connections by design.
  bool admitted() {
    if constexpr (kPop3) {
      if (security_->limits == nullptr) return true;
      addressLease_ = security_->limits->admitAddress(settings_.remoteAddress);
      if (addressLease_) return true;
      Poco::Logger::get("net").warning("connection from %s refused: too many connections from this address",
                                       settings_.remoteAddress);
      return false;
    } else {
      return true;
    }
  }

  // Opened and closed as events, however the connection ends.
  class Reported {
   public:
    explicit Reported(SessionConnection& connection) : connection_(connection) {
      connection_.publish(POSTAMT_EVENT_CONNECTION_OPENED);
    }
    ~Reported() { connection_.publish(POSTAMT_EVENT_CONNECTION_CLOSED); }
    Reported(const Reported&) = delete;
    Reported& operator=(const Reported&) = delete;

   private:
    SessionConnection& connection_;
  };

  // The session's end line (SessionEndLog.h), however the connection ends; the origin has the TLS state at the end.
  class EndLogged {
   public:
    EndLogged(const Session& session, const events::Origin& origin)
        : session_(session), origin_(origin), began_(std::chrono::steady_clock::now()) {}
    ~EndLogged() {
      try {
        logSessionEnd(origin_, std::chrono::steady_clock::now() - began_, session_.tally());
      } catch (const std::exception&) {
        // Out of memory for a log line: the connection ends all the same.
      }
    }
    EndLogged(const EndLogged&) = delete;
    EndLogged& operator=(const EndLogged&) = delete;

   private:
    const Session& session_;
    const events::Origin& origin_;
    const std::chrono::steady_clock::time_point began_;
  };

  void publish(postamt_event_type type) {
    if (wanted()) events_.observers.bus->publish(events::Event(type, origin_));
  }

  bool wanted() const { return events_.observers.bus != nullptr && events_.observers.bus->wanted(); }

  Session openSession(SocketResponseSink& sink) {
    if constexpr (kPop3) {
      if (security_->limits != nullptr) limited_ = std::make_unique<LimitedLogin>(service_, *security_->limits);
    }
    Service& limited = limited_ ? *limited_ : service_;
    if (wanted()) observed_ = observed(limited, *events_.observers.bus, origin_);
    Service& service = observed_ ? *observed_ : limited;
    if constexpr (std::is_constructible_v<Session, Service&, Settings, pop3::ResponseSink&, pop3::TlsTransport*>) {
      const bool offersStartTls = !security_->tls.isNull() && !security_->implicit;
      return Session(service, settings_, sink, offersStartTls ? static_cast<pop3::TlsTransport*>(this) : nullptr);
    } else {
      return Session(service, settings_, sink);
    }
  }

  // The session has answered STLS; its "+OK" is sent when the pump next flushes.
  void startTls() override { tlsRequested_ = true; }

  // The handshake reads like any command: the session's idle timer bounds each read (Poco waits up to twice that on
  // TLS, TOOLCHAIN pitfall 5). A client that fails it is logged and dropped without a word.
  bool handshake(const Session& session) {
    io_.setReceiveTimeout(Poco::Timespan(session.idleTimeout().count(), 0));
    try {
      Poco::Net::SecureStreamSocket(io_).completeHandshake();
      return true;
    } catch (const Poco::Exception& e) {
      Poco::Logger::get("net").debug("TLS handshake with %s failed: %s", settings_.remoteAddress, e.displayText());
      return false;
    }
  }

  void pump(Session& session, SocketResponseSink& sink) {
    char buffer[kReadChunk];
    while (!session.closed()) {
      if (registry_.stopping()) return session.stop();
      if (!readable(session.idleTimeout())) return session.timeOut();
      const int n = io_.receiveBytes(buffer, sizeof buffer);
      if (n <= 0) {
        if (registry_.stopping()) session.stop();
        return;
      }
      const std::string_view received(buffer, static_cast<std::size_t>(n));
      const auto arrived = std::chrono::steady_clock::now();
      session.receive(received);
      if (!holdReplies(session, sink)) return;
      sink.flush();
      if (metrics::SessionMetrics* metrics = events_.observers.metrics)
        metrics->commandAnswered(events_.listener, received, std::chrono::steady_clock::now() - arrived);
      if (std::exchange(tlsRequested_, false)) {
        // RFC 2595 section 4: from here every byte goes through TLS; the sink writes to io_, so it follows.
        io_ = Poco::Net::SecureStreamSocket::attach(io_, security_->tls);
        if (!handshake(session)) return;
        origin_.tls = true;
      }
    }
  }

  // Whether the client has sent something within `idle`. TLS may hold bytes it has decrypted already, which poll()
  // cannot see (TOOLCHAIN pitfall 5); a plain socket's are all in the kernel.
  bool readable(std::chrono::seconds idle) {
    if (origin_.tls && io_.available() > 0) return true;
    return awaitReadable(io_.impl()->sockfd(), idle);
  }

  // A login failure's penalty (pop3::LoginThrottle): its responses wait in the sink while this thread watches the
  // socket only for a hang-up, never reading on, so a client that leaves frees the thread at once and one that keeps
  // sending gets no answer sooner. False: the client hung up (or the server is stopping) and nothing is sent.
  bool holdReplies([[maybe_unused]] Session& session, [[maybe_unused]] SocketResponseSink& sink) {
    if constexpr (requires(Session& s) { s.takeReplyDelay(); }) {
      using Clock = std::chrono::steady_clock;
      const auto until = Clock::now() + session.takeReplyDelay();
      // Bounded by `until`: each poll waits at most what is left.
      for (auto left = until - Clock::now(); left > left.zero(); left = until - Clock::now()) {
        if (awaitHangUp(std::chrono::ceil<std::chrono::milliseconds>(left))) {
          // A half-closed client still reads: it must not get its answer early for hanging up.
          sink.discard();
          if (registry_.stopping()) session.stop();
          return false;
        }
      }
    }
    return true;
  }

  // True when the peer hung up (or the graceful stop shut the socket for reading) within `wait`. POLLRDHUP, not
  // POLLIN: bytes the client sends meanwhile stay unread in the kernel and do not wake the wait.
  bool awaitHangUp(std::chrono::milliseconds wait) {
    pollfd watched{io_.impl()->sockfd(), POLLRDHUP, 0};
    const int ready = ::poll(&watched, 1, static_cast<int>(wait.count()));
    return ready > 0 && (watched.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
  }

  Service& service_;
  Settings settings_;
  SessionRegistry& registry_;
  const std::shared_ptr<const ConnectionSecurity> security_;  // as the listener had it when this connection began
  const ConnectionEvents& events_;
  Poco::Net::StreamSocket io_;  // the client's socket, switched to TLS on STLS; socket() stays as accepted
  bool tlsRequested_ = false;
  events::Origin origin_;
  std::optional<Poco::Net::SocketAddress> proxiedClient_;  // the client a PROXY header named
  std::optional<ConnectionLimits::Lease> addressLease_;    // this connection's place in its address's count
  std::unique_ptr<Service> limited_;   // the service within this connection's limits, with its places in the counts
  std::unique_ptr<Service> observed_;  // the service as this connection's events see it; outlives the session
};

template <typename Session, typename Service, typename Settings>
class SessionConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
 public:
  SessionConnectionFactory(Service& service, Settings settings, SessionRegistry& registry, ConnectionSecurity security,
                           ConnectionEvents events)
      : service_(service),
        settings_(std::move(settings)),
        registry_(registry),
        security_(std::make_shared<const ConnectionSecurity>(std::move(security))),
        events_(std::move(events)) {}

  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    std::lock_guard lock(mutex_);
    return new SessionConnection<Session, Service, Settings>(socket, service_, settings_, registry_, security_, events_);
  }

  // SIGHUP: connections created from now on get these; those running keep what they began with.
  void reconfigure(Settings settings, TrustedNetworks trusted) {
    std::lock_guard lock(mutex_);
    settings_ = std::move(settings);
    auto security = std::make_shared<ConnectionSecurity>(*security_);
    security->trusted = std::move(trusted);
    security_ = std::move(security);
  }

 private:
  Service& service_;
  std::mutex mutex_;  // the acceptor thread creates connections while the main thread may reconfigure
  Settings settings_;
  SessionRegistry& registry_;
  std::shared_ptr<const ConnectionSecurity> security_;
  ConnectionEvents events_;
};

}  // namespace postamt::net
