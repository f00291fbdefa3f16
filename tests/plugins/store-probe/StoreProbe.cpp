// A store decorator for the host's tests: it changes nothing and writes
// "create <label>" and "destroy <label>" to the file `trace`, so a test sees
// the order the host makes and ends a stack of decorators in. It refuses the
// host's own keys (`plugin`, `wraps`) among its settings.
#include <fstream>
#include <memory>
#include <postamt/sdk/Plugin.hpp>
#include <postamt/sdk/StoreDecorator.hpp>
#include <string>
#include <utility>

namespace store_probe {
namespace {

class Trace {
 public:
  explicit Trace(const postamt::sdk::Settings& settings) : path_(settings.get("trace")), label_(settings.get("label")) {
    if (settings.has("plugin") || settings.has("wraps")) throw postamt::sdk::Error(POSTAMT_PERM_FAIL, "got the host's own keys");
    write("create");
  }
  ~Trace() { write("destroy"); }

 private:
  void write(const char* what) const { std::ofstream(path_, std::ios::app) << what << ' ' << label_ << '\n'; }
  std::string path_;
  std::string label_;
};

class PassingDecorator : public postamt::sdk::StoreDecorator {
 public:
  PassingDecorator(postamt::sdk::Host, const postamt::sdk::Settings& settings, std::unique_ptr<postamt::sdk::Store> wrapped)
      : StoreDecorator(std::move(wrapped)), trace_(settings) {}

 private:
  Trace trace_;
};

}  // namespace
}  // namespace store_probe

POSTAMT_PLUGIN("store-probe", "0.0.1", postamt::sdk::storeDecoratorApi<store_probe::PassingDecorator>())
