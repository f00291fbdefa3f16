#pragma once

#include "ctl/Context.h"

namespace postamt::ctl {

// postamtctl device tracking|list|remove (issue 6.4, policies/README.md "Several devices").
void deviceTracking(Context& c, const Arguments& args);
void deviceList(Context& c, const Arguments& args);
void deviceRemove(Context& c, const Arguments& args);

}  // namespace postamt::ctl
