#!/usr/bin/env bash
# tinytb: make sure this Debian machine has the packages the build and the tests need.
#
# Installs what is missing with apt-get when it can (as root, or with password-less
# sudo); otherwise prints the one command to run and fails. Quiet when all is there.
set -euo pipefail

packages=(
  make g++ gcc               # host build
  libgtest-dev               # unit tests
  gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib  # Cortex-M build
  qemu-system-arm            # Cortex-M firmware runs under QEMU (semihosting test)
  gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc  # RISC-V firmware (RV32) under QEMU's virt
  nanopb protobuf-compiler   # make proto, and the regeneration test
  python3 python3-venv       # TensorBoard in a virtual environment, for the compatibility tests
  ca-certificates git        # fetching dependencies (pip, upstream fallback)
  clang libclang-rt-14-dev   # libFuzzer + sanitizers for tests/fuzz (host tool; Debian 12's clang 14)
  zlib1g-dev valgrind        # PNG deflate: checksum tests against zlib; callgrind counts in `make bench-host`
  libpng-dev                 # `make bench`: libpng at zlib level 6, the second PNG reference (bench only)
  libprotobuf-dev            # `make bench`: the native C++ protobuf writer, the scalar reference (bench only)
  dosfstools mtools          # real FAT images: mkfs.fat, fsck.fat, mcopy (`make sdcard`, the FatFs port's tests)
  strace                     # directory fsyncs checked at the system-call level (tests/ports/dir_fsync_test.py)
  cmake ninja-build          # the CMake build and its consumer test (tests/integration/cmake)
  spin                       # the async ring's protocol model (tests/writer/async_ring.pml, docs/async.md)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "tinytb needs these Debian packages: ${missing[*]}" >&2
  echo "install them with:  sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
