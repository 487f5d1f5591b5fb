# tinytb: CMake toolchain file for Arm Cortex-M with GNU Arm Embedded (arm-none-eabi-gcc)
# and newlib-nano.
#
#   cmake -S . -B build-m4 -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake
#   cmake ... -DTINYTB_ARM_CPU_FLAGS="-mcpu=cortex-m0plus"               # another core
#   cmake ... -DTINYTB_ARM_CPU_FLAGS="-mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard"
#
# The default is a Cortex-M4F with the hardware floating-point ABI. Programs link with
# --specs=nano.specs and --gc-sections; startup code, linker script and (if the
# application uses stdio) --specs=nosys.specs or its own syscalls are the application's.
# Try-compiles build a static library, so no startup files are needed to configure.
# Other cross toolchains sit beside this file (cmake/<triplet>.cmake).

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(TINYTB_ARM_CPU_FLAGS "-mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard" CACHE STRING
    "Core and floating-point flags for every compile and link (default: Cortex-M4F)")
set(TINYTB_ARM_TOOLCHAIN_PREFIX "arm-none-eabi-" CACHE STRING
    "Compiler prefix, with a path if it is not on PATH")
# try_compile() projects read this file again: hand them the same choices.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES TINYTB_ARM_CPU_FLAGS TINYTB_ARM_TOOLCHAIN_PREFIX)

set(CMAKE_C_COMPILER ${TINYTB_ARM_TOOLCHAIN_PREFIX}gcc)
set(CMAKE_CXX_COMPILER ${TINYTB_ARM_TOOLCHAIN_PREFIX}g++)
set(CMAKE_ASM_COMPILER ${TINYTB_ARM_TOOLCHAIN_PREFIX}gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(_tinytb_arm_common "-mthumb ${TINYTB_ARM_CPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_INIT "${_tinytb_arm_common}")
set(CMAKE_ASM_FLAGS_INIT "${_tinytb_arm_common}")
# A microcontroller build of C++ without the runtime it cannot afford.
set(CMAKE_CXX_FLAGS_INIT "${_tinytb_arm_common} -fno-exceptions -fno-rtti -fno-threadsafe-statics")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-mthumb ${TINYTB_ARM_CPU_FLAGS} --specs=nano.specs -Wl,--gc-sections")

# Look for programs on the host, for libraries and headers only in the target's root.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
