#include "net/SessionRegistry.h"

#include <sys/socket.h>

namespace postamt::net {

SessionRegistry::Registration::Registration(SessionRegistry& registry, Poco::Net::StreamSocket& socket)
    : registry_(registry), socket_(socket) {
  std::lock_guard lock(registry_.mutex_);
  registry_.sockets_.insert(&socket_);
  // A session that registers after stopAll() must still be woken.
  if (registry_.stopping_) ::shutdown(socket_.impl()->sockfd(), SHUT_RD);
}

SessionRegistry::Registration::~Registration() {
  std::lock_guard lock(registry_.mutex_);
  registry_.sockets_.erase(&socket_);
}

void SessionRegistry::stopAll() {
  std::lock_guard lock(mutex_);
  stopping_ = true;
  for (auto* socket : sockets_) ::shutdown(socket->impl()->sockfd(), SHUT_RD);
}

std::size_t SessionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return sockets_.size();
}

}  // namespace postamt::net
