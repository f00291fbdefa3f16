#include "metrics/MetricsServer.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>

namespace postamt::metrics {
namespace {

using Poco::Net::HTTPResponse;

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(const MetricsServer::Handlers& handlers) : handlers_(handlers) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
    const std::string path = request.getURI().substr(0, request.getURI().find('?'));
    if (request.getMethod() != "GET" && request.getMethod() != "HEAD") {
      return reply(response, HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "text/plain", "only GET\n");
    }
    if (path == "/metrics") {
      return reply(response, HTTPResponse::HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", handlers_.metrics());
    }
    if (path == "/healthz") {
      try {
        handlers_.checkHealth();
        return reply(response, HTTPResponse::HTTP_OK, "text/plain", "ok\n");
      } catch (const std::exception& e) {
        return reply(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "text/plain", std::string("unhealthy: ") + e.what() + "\n");
      }
    }
    reply(response, HTTPResponse::HTTP_NOT_FOUND, "text/plain", "try /metrics or /healthz\n");
  }

 private:
  static void reply(Poco::Net::HTTPServerResponse& response, HTTPResponse::HTTPStatus status, const std::string& type,
                    const std::string& body) {
    response.setStatus(status);
    response.setContentType(type);
    response.setContentLength(static_cast<std::streamsize>(body.size()));
    response.send() << body;
  }

  const MetricsServer::Handlers& handlers_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(MetricsServer::Handlers handlers) : handlers_(std::move(handlers)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Handler(handlers_);
  }

 private:
  const MetricsServer::Handlers handlers_;
};

}  // namespace

MetricsServer::MetricsServer(const Poco::Net::SocketAddress& address, Handlers handlers) {
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(2);  // a scraper or two: never a thread a session could use
  params->setMaxQueued(16);
  params->setKeepAlive(false);
  params->setTimeout(Poco::Timespan(5, 0));
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(std::move(handlers)), Poco::Net::ServerSocket(address, 16), params);
  server_->start();
}

MetricsServer::~MetricsServer() { server_->stopAll(true); }

Poco::Net::SocketAddress MetricsServer::address() const { return server_->socket().address(); }

}  // namespace postamt::metrics
