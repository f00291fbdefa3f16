# postamt_add_plugin(<name> <source>...): builds a Postamt plugin, the same way
# in this tree and out of it (find_package(Postamt) includes this file).
#
# A plugin is a MODULE named exactly <name>.so that exports one symbol,
# postamt_plugin_entry. Hidden visibility and the version script keep template
# instances of std:: or Poco code it compiled from shadowing the host's;
# --no-undefined makes a missing symbol a link error, not a crash at first call.
# `cmake --install` puts it into <prefix>/lib/postamt/plugins, where postamtd
# looks by default (plugins.directory).
set(POSTAMT_PLUGIN_VERSION_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/plugin.map)

function(postamt_add_plugin name)
  add_library(${name} MODULE ${ARGN})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${name}
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${name} PRIVATE -Wl,--no-undefined -Wl,--version-script=${POSTAMT_PLUGIN_VERSION_SCRIPT})
  set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS ${POSTAMT_PLUGIN_VERSION_SCRIPT})
  target_link_libraries(${name} PRIVATE Postamt::sdk)
  install(TARGETS ${name} LIBRARY DESTINATION lib/postamt/plugins)
endfunction()
