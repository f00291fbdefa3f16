#pragma once

#include <postamt/abi.h>

#include <string>

#include "events/EventBus.h"

namespace postamt::plugin {

// A named events instance ("events.audit") created from an events plugin. The
// event bus calls it from one thread of its own, as abi.h promises.
class EventsInstance : public events::Subscriber {
 public:
  EventsInstance(std::string name, const postamt_events_api& api, const postamt_settings& settings);  // throws PluginError
  ~EventsInstance() override;
  EventsInstance(const EventsInstance&) = delete;
  EventsInstance& operator=(const EventsInstance&) = delete;

  const std::string& name() const override { return name_; }
  void onEvent(const events::Event& event) override;

 private:
  std::string name_;
  const postamt_events_api& api_;
  void* instance_ = nullptr;
};

}  // namespace postamt::plugin
