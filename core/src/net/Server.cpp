#include "net/Server.h"

#include <Poco/File.h>
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

std::string refusal(Protocol protocol) {
  return protocol == Protocol::Pop3 ? "-ERR [SYS/TEMP] Too many connections, try again later.\r\n"  // RFC 3206
                                    : "421 4.3.2 Too many connections, try again later\r\n";      // RFC 5321 4.2.2
}

Poco::Net::ServerSocket bind(const ListenerSettings& listener) {
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

Server::Server(ServerSettings settings, pop3::Authenticator& authenticator, lmtp::DeliveryAgent& deliveryAgent)
    : settings_(std::move(settings)),
      authenticator_(authenticator),
      deliveryAgent_(deliveryAgent),
      pool_("session", 2, settings_.maxConnections, 60, settings_.threadStackKiB * 1024) {}

Server::~Server() { stop(); }

Poco::Net::TCPServerConnectionFactory* Server::connectionFactory(Protocol protocol) {
  if (protocol == Protocol::Pop3) {
    return new SessionConnectionFactory<pop3::Session, pop3::Authenticator, pop3::SessionSettings>(authenticator_, settings_.pop3,
                                                                                                   registry_);
  }
  return new SessionConnectionFactory<lmtp::Session, lmtp::DeliveryAgent, lmtp::SessionSettings>(deliveryAgent_, settings_.lmtp,
                                                                                                 registry_);
}

void Server::start() {
  for (const auto& listener : settings_.listeners) {
    auto* params = new Poco::Net::TCPServerParams;
    params->setMaxThreads(settings_.maxConnections);
    params->setMaxQueued(settings_.maxQueued);
    auto server = std::make_unique<Poco::Net::TCPServer>(connectionFactory(listener.protocol), pool_, bind(listener), params);
    server->setConnectionFilter(
        new CapacityFilter(registry_, static_cast<std::size_t>(settings_.maxConnections), refusal(listener.protocol)));
    server->start();
    servers_.push_back(std::move(server));
  }
}

void Server::stop() {
  if (servers_.empty()) return;
  for (auto& server : servers_) server->stop();
  registry_.stopAll();
  pool_.joinAll();
  servers_.clear();
}

void Server::collectIdleThreads() { pool_.collect(); }

std::vector<std::string> Server::describeListeners() const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < servers_.size(); ++i) {
    const auto& listener = settings_.listeners[i];
    out.push_back(std::string(listener.protocol == Protocol::Pop3 ? "POP3" : "LMTP") + " on " +
                  servers_[i]->socket().address().toString());
  }
  return out;
}

}  // namespace postamt::net
