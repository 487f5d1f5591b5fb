# ESP-IDF's first pass over a component, as its requirement scan runs it: cmake -P (script
# mode, no targets), CMAKE_BUILD_EARLY_EXPANSION set, idf_component_register() only
# recording its arguments. The component file must get through it without a target command.
# Usage: cmake -DTINYTB_ROOT=... -P early_pass.cmake
set(CMAKE_BUILD_EARLY_EXPANSION 1)
set(ESP_PLATFORM 1)
function(idf_component_register)
  cmake_parse_arguments(arg "" "" "SRCS;INCLUDE_DIRS;PRIV_INCLUDE_DIRS;REQUIRES;PRIV_REQUIRES" ${ARGN})
  message("early-pass REQUIRES=${arg_REQUIRES} PRIV_REQUIRES=${arg_PRIV_REQUIRES}")
endfunction()
include(${TINYTB_ROOT}/CMakeLists.txt)
