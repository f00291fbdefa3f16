// events-jsonl: appends one JSON object per line for every event to a file.
// Settings: path (required). Each line is flushed as it is written, so
// `tail -f` and log shippers see every event as it happens.
#include <Poco/JSON/Object.h>
#include <postamt/sdk/Events.hpp>
#include <postamt/sdk/Plugin.hpp>

#include <fstream>
#include <string>

namespace events_jsonl {
namespace {

class JsonLinesEvents : public postamt::sdk::Events {
 public:
  JsonLinesEvents(postamt::sdk::Host, const postamt::sdk::Settings& settings)
      : path_(settings.get("path")), out_(path_, std::ios::app | std::ios::binary) {
    if (!out_) throw postamt::sdk::Error(POSTAMT_PERM_FAIL, "cannot open " + path_ + " for appending");
  }

  // The bus calls this from one thread per instance: no locking needed.
  void onEvent(const postamt::sdk::Event& event) override {
    Poco::JSON::Object line(Poco::JSON_PRESERVE_KEY_ORDER);
    line.set("event", std::string(postamt::sdk::eventName(event.type)));
    line.set("time_usec", event.timeUsec);
    line.set("session", event.session);
    line.set("listener", std::string(event.listener));
    line.set("remote", std::string(event.remoteAddress));
    line.set("tls", event.tls);
    if (event.tenantId != 0) line.set("tenant", std::string(event.tenant));
    if (!event.user.empty()) line.set("user", std::string(event.user));
    if (!event.uidl.empty()) line.set("uidl", std::string(event.uidl));
    if (event.octets != 0) line.set("octets", event.octets);
    if (event.count != 0) line.set("count", event.count);
    if (!event.detail.empty()) line.set("detail", std::string(event.detail));
    if (event.status != POSTAMT_OK) line.set("status", static_cast<int>(event.status));
    line.stringify(out_);
    out_ << '\n' << std::flush;
  }

 private:
  const std::string path_;
  std::ofstream out_;
};

}  // namespace
}  // namespace events_jsonl

POSTAMT_PLUGIN("events-jsonl", PLUGIN_VERSION, nullptr, nullptr, nullptr, postamt::sdk::eventsApi<events_jsonl::JsonLinesEvents>())
