#include "net/Server.h"

#include <Poco/Net/ServerSocket.h>

#include "net/Pop3Connection.h"

namespace postamt::net {
namespace {

// Without this filter a full server accepts and silently drops (TOOLCHAIN
// pitfall 3); RFC 2449 [SYS/TEMP] tells the client to come back later.
class CapacityFilter : public Poco::Net::TCPServerConnectionFilter {
 public:
  CapacityFilter(const SessionRegistry& registry, std::size_t capacity) : registry_(registry), capacity_(capacity) {}

  bool accept(const Poco::Net::StreamSocket& socket) override {
    if (registry_.size() < capacity_) return true;
    try {
      Poco::Net::StreamSocket(socket).sendBytes(kBusy, sizeof kBusy - 1);
    } catch (const Poco::Exception&) {
      // The client is gone already; nothing to tell it.
    }
    return false;
  }

 private:
  static constexpr char kBusy[] = "-ERR [SYS/TEMP] Too many connections, try again later.\r\n";
  const SessionRegistry& registry_;
  std::size_t capacity_;
};

}  // namespace

Server::Server(ServerSettings settings, pop3::Authenticator& authenticator)
    : settings_(std::move(settings)),
      authenticator_(authenticator),
      pool_("session", 2, settings_.maxConnections, 60, settings_.threadStackKiB * 1024) {}

Server::~Server() {
  stop();
}

void Server::start() {
  for (const auto& listener : settings_.listeners) {
    Poco::Net::ServerSocket socket(listener.address, 128);
    auto* params = new Poco::Net::TCPServerParams;
    params->setMaxThreads(settings_.maxConnections);
    params->setMaxQueued(settings_.maxQueued);
    auto server = std::make_unique<Poco::Net::TCPServer>(
        new Pop3ConnectionFactory(authenticator_, settings_.session, registry_), pool_, socket, params);
    server->setConnectionFilter(new CapacityFilter(registry_, static_cast<std::size_t>(settings_.maxConnections)));
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

std::vector<Poco::Net::SocketAddress> Server::boundAddresses() const {
  std::vector<Poco::Net::SocketAddress> out;
  for (const auto& server : servers_) out.push_back(server->socket().address());
  return out;
}

}  // namespace postamt::net
