/* A store plugin as built for ABI 1.2: its descriptor's size ends before
 * store_decorator (ABI 1.3). The field is filled here all the same, standing
 * for whatever lies after an older, shorter descriptor: the host must load the
 * plugin as the store it is and never read that field. Plain C: the ABI is C. */
#include <postamt/abi.h>
#include <stddef.h>

static const postamt_store_api kStore = {.size = sizeof(postamt_store_api)};
static const postamt_store_decorator_api kNotOffered = {.size = sizeof(postamt_store_decorator_api)};

static const postamt_plugin kDescriptor = {
    .abi_major = POSTAMT_ABI_MAJOR,
    .abi_minor = 2,
    .size = offsetof(postamt_plugin, store_decorator),
    .name = "abi-1-2",
    .version = "0.0.1",
    .store = &kStore,
    .store_decorator = &kNotOffered,
};

__attribute__((visibility("default"))) const postamt_plugin* postamt_plugin_entry(void) { return &kDescriptor; }
