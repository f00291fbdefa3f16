#pragma once

#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/SocketAddress.h>

#include <functional>
#include <memory>
#include <string>

namespace postamt::metrics {

// The operator's HTTP endpoint (Poco HTTPServer, threads of its own, never the
// sessions'): GET /metrics in Prometheus' text format, GET /healthz 200 when
// the database answers and 503 with the reason when it does not.
class MetricsServer {
 public:
  struct Handlers {
    std::function<std::string()> metrics;
    std::function<void()> checkHealth;  // throws std::exception with the reason when unhealthy
  };

  MetricsServer(const Poco::Net::SocketAddress& address, Handlers handlers);
  ~MetricsServer();

  Poco::Net::SocketAddress address() const;

 private:
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace postamt::metrics
