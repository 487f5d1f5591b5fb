# tinytb: CMake toolchain file for 32-bit RISC-V microcontrollers with Debian's
# riscv64-unknown-elf GCC and picolibc (the ESP32-C3 class by default: RV32IMC, no atomics).
#
#   cmake -S . -B build-rv -DCMAKE_TOOLCHAIN_FILE=cmake/riscv32-unknown-elf.cmake
#   cmake ... -DTINYTB_RISCV_ARCH=rv32imac          # with atomics (ESP32-C6)
#
# That toolchain has no C++ library: tinytb needs none (docs/firmware.md, "RISC-V"), and
# programs link through gcc, not g++, which would ask for -lstdc++. The link's -march drops
# _zicsr so that GCC picks a picolibc multilib (rv32im for rv32imc). Startup code and linker
# script are the application's (examples/riscv/). Try-compiles build a static library.

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv32)

set(TINYTB_RISCV_ARCH "rv32imc" CACHE STRING "-march without _zicsr (rv32imc, rv32imac, ...)")
set(TINYTB_RISCV_ABI "ilp32" CACHE STRING "-mabi")
set(TINYTB_RISCV_TOOLCHAIN_PREFIX "riscv64-unknown-elf-" CACHE STRING
    "Compiler prefix, with a path if it is not on PATH")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES TINYTB_RISCV_ARCH TINYTB_RISCV_ABI TINYTB_RISCV_TOOLCHAIN_PREFIX)

set(CMAKE_C_COMPILER ${TINYTB_RISCV_TOOLCHAIN_PREFIX}gcc)
set(CMAKE_CXX_COMPILER ${TINYTB_RISCV_TOOLCHAIN_PREFIX}g++)
set(CMAKE_ASM_COMPILER ${TINYTB_RISCV_TOOLCHAIN_PREFIX}gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(_tinytb_rv_common "-march=${TINYTB_RISCV_ARCH}_zicsr -mabi=${TINYTB_RISCV_ABI} --specs=picolibc.specs \
-ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_INIT "${_tinytb_rv_common}")
set(CMAKE_ASM_FLAGS_INIT "${_tinytb_rv_common}")
set(CMAKE_CXX_FLAGS_INIT "${_tinytb_rv_common} -fno-exceptions -fno-rtti -fno-threadsafe-statics")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,--gc-sections")
# Compile flags carry _zicsr; the link must not (multilib selection), so it has its own.
set(CMAKE_CXX_LINK_EXECUTABLE
    "<CMAKE_C_COMPILER> -march=${TINYTB_RISCV_ARCH} -mabi=${TINYTB_RISCV_ABI} --specs=picolibc.specs \
<CMAKE_CXX_LINK_FLAGS> <LINK_FLAGS> <OBJECTS> -o <TARGET> <LINK_LIBRARIES> -lm")
set(CMAKE_C_LINK_EXECUTABLE
    "<CMAKE_C_COMPILER> -march=${TINYTB_RISCV_ARCH} -mabi=${TINYTB_RISCV_ABI} --specs=picolibc.specs \
<CMAKE_C_LINK_FLAGS> <LINK_FLAGS> <OBJECTS> -o <TARGET> <LINK_LIBRARIES> -lm")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
