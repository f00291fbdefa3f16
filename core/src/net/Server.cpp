#include "net/Server.h"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>

#include <sys/stat.h>

#include "net/SessionConnection.h"

namespace postamt::net {
namespace {

// Without this filter a full server accepts and silently drops (TOOLCHAIN
// pitfall 3). The refusal is the protocol's own "come back later".
class CapacityFilter : public Poco::Net::TCPServerConnectionFilter {
 public:
  CapacityFilter(const SessionRegistry& registry, std::size_t capacity, std::string refusal)
      : registry_(registry), capacity_(capacity), refusal_(std::move(refusal)) {}

  bool accept(const Poco::Net::StreamSocket& socket) override {
    if (registry_.size() < capacity_) return true;
    // On a TLS port a refusal could only go out after a handshake, which would stall the accepting thread.
    if (refusal_.empty()) return false;
    try {
      Poco::Net::StreamSocket(socket).sendBytes(refusal_.data(), static_cast<int>(refusal_.size()));
    } catch (const Poco::Exception&) {
      // The client is gone already; nothing to tell it.
    }
    return false;
  }

 private:
  const SessionRegistry& registry_;
  std::size_t capacity_;
  std::string refusal_;
};

std::string refusal(const ListenerSettings& listener) {
  if (listener.tls == Tls::Implicit) return "";
  return listener.protocol == Protocol::Pop3 ? "-ERR [SYS/TEMP] Too many connections, try again later.\r\n"  // RFC 3206
                                             : "421 4.3.2 Too many connections, try again later\r\n";        // RFC 5321 4.2.2
}

Poco::Net::ServerSocket bind(const ListenerSettings& listener, const CertificateStore* certificates) {
  // With a SecureServerSocket the handshake waits for the session's thread (TOOLCHAIN section 2), not the acceptor.
  if (listener.tls == Tls::Implicit) return Poco::Net::SecureServerSocket(listener.address, 128, certificates->acceptContext());
  if (listener.address.family() != Poco::Net::SocketAddress::UNIX_LOCAL) return Poco::Net::ServerSocket(listener.address, 128);
  // A socket file left by a previous run would make bind fail.
  const std::string path = listener.address.toString();
  Poco::File stale(path);
  if (stale.exists()) stale.remove();
  Poco::Net::ServerSocket socket(listener.address, 128);
  ::chmod(path.c_str(), static_cast<mode_t>(listener.unixSocketMode));
  return socket;
}

}  // namespace

Server::Server(ServerSettings settings, pop3::Authenticator& authenticator, lmtp::DeliveryAgent& deliveryAgent,
               const CertificateStore* certificates, Observers observers)
    : settings_(std::move(settings)),
      loginThrottle_(settings_.loginThrottle),
      authenticator_(authenticator),
      deliveryAgent_(deliveryAgent),
      certificates_(certificates),
      observers_(observers),
      limits_(settings_.limits),
      pool_("session", 2, settings_.maxConnections, 60, settings_.threadStackKiB * 1024) {
  settings_.pop3.loginThrottle = &loginThrottle_;
}

Server::~Server() { stop(); }

Poco::Net::TCPServerConnectionFactory* Server::connectionFactory(const ListenerSettings& listener) {
  ConnectionSecurity security{nullptr, listener.tls == Tls::Implicit, settings_.trustedNetworks, listener.proxy, &limits_};
  ConnectionEvents events{listener.name, observers_};
  if (listener.tls != Tls::None) {
    if (certificates_ == nullptr) {
      throw Poco::InvalidArgumentException("listener " + listener.name + " wants TLS, but no certificate is configured");
    }
    security.tls = certificates_->acceptContext();
  }
  if (listener.protocol == Protocol::Pop3) {
    auto* factory = new SessionConnectionFactory<pop3::Session, pop3::Authenticator, pop3::SessionSettings>(
        authenticator_, settings_.pop3, registry_, security, events);
    reconfigurers_.push_back([factory](const ServerSettings& next) { factory->reconfigure(next.pop3, next.trustedNetworks); });
    return factory;
  }
  auto* factory = new SessionConnectionFactory<lmtp::Session, lmtp::DeliveryAgent, lmtp::SessionSettings>(
      deliveryAgent_, settings_.lmtp, registry_, security, events);
  reconfigurers_.push_back([factory](const ServerSettings& next) { factory->reconfigure(next.lmtp, next.trustedNetworks); });
  return factory;
}

void Server::start() {
  for (const auto& listener : settings_.listeners) {
    auto* params = new Poco::Net::TCPServerParams;
    params->setMaxThreads(settings_.maxConnections);
    params->setMaxQueued(settings_.maxQueued);
    auto server =
        std::make_unique<Poco::Net::TCPServer>(connectionFactory(listener), pool_, bind(listener, certificates_), params);
    server->setConnectionFilter(
        new CapacityFilter(registry_, static_cast<std::size_t>(settings_.maxConnections), refusal(listener)));
    server->start();
    servers_.push_back(std::move(server));
  }
}

void Server::stopAccepting() {
  for (auto& server : servers_) {
    server->stop();
    // TCPServer::stop() only ends the accepting thread; the kernel would go on completing connects into the backlog.
    Poco::Net::ServerSocket(server->socket()).close();
  }
}

std::size_t Server::openSessions() const { return registry_.size(); }

void Server::stop() {
  if (servers_.empty()) return;
  stopAccepting();
  registry_.stopAll();
  pool_.joinAll();
  reconfigurers_.clear();
  servers_.clear();
}

void Server::reconfigure(const ServerSettings& next) {
  settings_.pop3 = next.pop3;
  settings_.pop3.loginThrottle = &loginThrottle_;  // the process's one throttle outlives every reload
  settings_.lmtp = next.lmtp;
  settings_.trustedNetworks = next.trustedNetworks;
  for (const auto& apply : reconfigurers_) apply(settings_);
}

void Server::collectIdleThreads() { pool_.collect(); }

std::vector<std::string> Server::describeListeners() const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < servers_.size(); ++i) {
    const auto& listener = settings_.listeners[i];
    static const char* const kTls[] = {"", " (STLS)", " (implicit TLS)"};
    out.push_back(std::string(listener.protocol == Protocol::Pop3 ? "POP3" : "LMTP") + " on " +
                  servers_[i]->socket().address().toString() + kTls[static_cast<int>(listener.tls)]);
  }
  return out;
}

}  // namespace postamt::net
