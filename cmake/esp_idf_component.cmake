# tinytb as an ESP-IDF component: the top-level CMakeLists.txt includes this file when
# ESP_PLATFORM is set (ESP-IDF builds every component folder with its own CMake functions).
#
# Sources: cmake/tinytb_sources.cmake, the one list every build file reads.
# nanopb:  the component manager's dependency in idf_component.yml (added to this
#          component's requirements by ESP-IDF itself); only the generated proto is ours.
# lodepng: only with CONFIG_TINYTB_WITH_LODEPNG (PngMode::kLodepng, opt-in): compiled here
#          with src/png/png_lodepng.cc from LODEPNG_DIR (a CMake or environment variable),
#          else from third_party/lodepng (`make deps`, or the copy a packed component
#          carries), with the core's switches force-included, as the Makefile does.
# Kconfig: every CONFIG_TINYTB_<KNOB> of a config.h knob becomes -DTINYTB_<KNOB>=<value>,
#          PUBLIC, so the application is compiled with the library's values (config.h's
#          link check). The mapping is here, not in config.h: config.h stays free of
#          CONFIG_ names and means the same in every build system.
#
# ESP-IDF runs this file twice; the first time (CMAKE_BUILD_EARLY_EXPANSION) only to read
# the requirements, in script mode, where target commands do not exist.

set(tinytb_root ${CMAKE_CURRENT_LIST_DIR}/..)
get_filename_component(tinytb_root ${tinytb_root} ABSOLUTE)
include(${tinytb_root}/cmake/tinytb_sources.cmake)

set(tinytb_srcs)
foreach(src IN LISTS TINYTB_CORE_SOURCES TINYTB_PROTO_SOURCES)
  list(APPEND tinytb_srcs ${tinytb_root}/${src})
endforeach()
# The clock (ports/clocks/esp_idf_clock.h): esp_timer and the system time.
set(tinytb_public_includes ${tinytb_root}/${TINYTB_PUBLIC_INCLUDE_DIR} ${tinytb_root}/${TINYTB_CLOCKS_DIR})
foreach(src IN LISTS TINYTB_CLOCK_esp_idf_SOURCES)
  list(APPEND tinytb_srcs ${tinytb_root}/${src})
endforeach()

# The ports the menu turned on. In the early pass CONFIG_ values may be missing: the
# sources do not matter there, and the requirements below do not depend on them.
foreach(port posix memory fatfs stream)
  string(TOUPPER ${port} PORT)
  if(CONFIG_TINYTB_PORT_${PORT})
    foreach(src IN LISTS TINYTB_PORT_${port}_SOURCES)
      list(APPEND tinytb_srcs ${tinytb_root}/${src})
    endforeach()
    list(APPEND tinytb_public_includes ${tinytb_root}/ports/${port})
  endif()
endforeach()
# The async writer's OS hooks: of ports/os, only FreeRTOS's (ESP-IDF's scheduler).
if(CONFIG_TINYTB_PORT_OS)
  foreach(src IN LISTS TINYTB_PORT_os_SOURCES)
    if(src MATCHES "/freertos_os\\.cc$")
      list(APPEND tinytb_srcs ${tinytb_root}/${src})
    endif()
  endforeach()
  list(APPEND tinytb_public_includes ${tinytb_root}/ports/os)
endif()

if(NOT LODEPNG_DIR AND DEFINED ENV{LODEPNG_DIR})
  set(LODEPNG_DIR $ENV{LODEPNG_DIR})
endif()
if(NOT LODEPNG_DIR)
  set(LODEPNG_DIR ${tinytb_root}/third_party/lodepng)
endif()
set(tinytb_lodepng_srcs)
if(CONFIG_TINYTB_WITH_LODEPNG)
  foreach(src IN LISTS TINYTB_LODEPNG_SOURCES)
    list(APPEND tinytb_lodepng_srcs ${LODEPNG_DIR}/${src})
  endforeach()
  foreach(src IN LISTS TINYTB_LODEPNG_MODE_SOURCES)
    list(APPEND tinytb_srcs ${tinytb_root}/${src})
  endforeach()
endif()
list(APPEND tinytb_srcs ${tinytb_lodepng_srcs})

idf_component_register(
  SRCS ${tinytb_srcs}
  INCLUDE_DIRS ${tinytb_public_includes}
  PRIV_INCLUDE_DIRS ${tinytb_root}/${TINYTB_PRIVATE_INCLUDE_DIR} ${tinytb_root}/${TINYTB_PROTO_INCLUDE_DIR}
                    ${LODEPNG_DIR}
  # fatfs: ports/fatfs's public header includes ff.h; esp_timer: the clock (esp_idf_clock.cc).
  REQUIRES fatfs
  PRIV_REQUIRES esp_timer vfs)

if(CMAKE_BUILD_EARLY_EXPANSION)
  return()
endif()

foreach(src IN LISTS tinytb_lodepng_srcs)
  if(NOT EXISTS ${src})
    message(FATAL_ERROR "tinytb: ${src} is missing. Run tools/fetch_deps.sh in ${tinytb_root} "
                        "or set LODEPNG_DIR to a lodepng checkout (docs/integration.md, ESP-IDF).")
  endif()
endforeach()
set_source_files_properties(${tinytb_lodepng_srcs} PROPERTIES
  COMPILE_OPTIONS "-include;${tinytb_root}/${TINYTB_LODEPNG_CONFIG_HEADER}")

# The knobs are read from config.h itself (every `#ifndef TINYTB_<KNOB>`), so a knob added
# there is passed on as soon as Kconfig has its symbol (tests/integration/esp_idf checks both).
file(STRINGS ${tinytb_root}/include/tinytb/config.h tinytb_knob_lines REGEX "^#ifndef TINYTB_[A-Z0-9_]+$")
set(tinytb_knobs)
foreach(line IN LISTS tinytb_knob_lines)
  string(REGEX REPLACE "^#ifndef (TINYTB_[A-Z0-9_]+)$" "\\1" knob "${line}")
  if(NOT knob MATCHES "_H_$")
    list(APPEND tinytb_knobs ${knob})
  endif()
endforeach()
foreach(knob IN LISTS tinytb_knobs)
  # sdkconfig.cmake writes a bool as "y" or "": config.h's 1 or 0.
  if(NOT DEFINED CONFIG_${knob})
    continue()
  elseif("${CONFIG_${knob}}" STREQUAL "y")
    target_compile_definitions(${COMPONENT_LIB} PUBLIC ${knob}=1)
  elseif("${CONFIG_${knob}}" STREQUAL "")
    target_compile_definitions(${COMPONENT_LIB} PUBLIC ${knob}=0)
  else()
    target_compile_definitions(${COMPONENT_LIB} PUBLIC ${knob}=${CONFIG_${knob}})
  endif()
endforeach()
# The library's own code is written without exceptions and RTTI (ESP-IDF's defaults too).
target_compile_options(${COMPONENT_LIB} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-fno-exceptions -fno-rtti>)
