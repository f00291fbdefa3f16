/* A plugin built for a future major ABI version: the host must refuse it at
 * start, naming this file and both versions. Written in plain C on purpose:
 * the ABI is C. */
#include <postamt/abi.h>

static const postamt_plugin kDescriptor = {
    .abi_major = POSTAMT_ABI_MAJOR + 1,
    .abi_minor = 0,
    .size = sizeof(postamt_plugin),
    .name = "abi-mismatch",
    .version = "0.0.1",
};

__attribute__((visibility("default"))) const postamt_plugin* postamt_plugin_entry(void) { return &kDescriptor; }
