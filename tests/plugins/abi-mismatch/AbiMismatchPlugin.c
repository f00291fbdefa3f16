/* A plugin built for a future major ABI version: the host must refuse it at
 * start, naming this file and both versions. Written in plain C on purpose:
 * the ABI is C. */
#include <postamt/abi.h>

static const postamt_plugin kDescriptor = {
    POSTAMT_ABI_MAJOR + 1, 0, sizeof(postamt_plugin), "abi-mismatch", "0.0.1", 0, 0, 0,
};

__attribute__((visibility("default"))) const postamt_plugin* postamt_plugin_entry(void) { return &kDescriptor; }
