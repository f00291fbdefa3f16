#include "plugin/EventsInstance.h"

#include "plugin/HostApi.h"
#include "plugin/PluginCall.h"
#include "plugin/PluginHost.h"

namespace postamt::plugin {

EventsInstance::EventsInstance(std::string name, const postamt_events_api& api, const postamt_settings& settings)
    : name_(std::move(name)), api_(api) {
  if (api_.size < offsetof(postamt_events_api, on_event) + sizeof api_.on_event || api_.on_event == nullptr)
    throw PluginError(name_ + ": the events plugin has no on_event");
  ErrorText error;
  instance_ = api_.create(&hostApi(), &settings, error.get());
  if (instance_ == nullptr) throw PluginError("cannot create " + name_ + ": " + error.describe(POSTAMT_PERM_FAIL));
}

EventsInstance::~EventsInstance() { api_.destroy(instance_); }

void EventsInstance::onEvent(const events::Event& event) {
  const postamt_event view = event.view();
  api_.on_event(instance_, &view);
}

}  // namespace postamt::plugin
