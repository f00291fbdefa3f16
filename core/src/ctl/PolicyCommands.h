#pragma once

#include "ctl/Context.h"

namespace postamt::ctl {

// postamtctl policy set|show|del|fallback|test and usage (issue 6).
void policySet(Context& c, const Arguments& args);
void policyShow(Context& c, const Arguments& args);
void policyDel(Context& c, const Arguments& args);
void policyFallback(Context& c, const Arguments& args);
void policyTest(Context& c, const Arguments& args);
void usage(Context& c, const Arguments& args);

}  // namespace postamt::ctl
