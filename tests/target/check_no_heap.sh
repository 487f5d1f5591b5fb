#!/usr/bin/env bash
# Fails if an ARM or RISC-V ELF links anything heap- or C++-runtime-related: malloc, free,
# realloc, calloc (and newlib's _r variants), _sbrk, operator new/delete, __cxa_*,
# the exception personality or the unwinder.
# Usage: check_no_heap.sh FILE.elf...      (fails if any of them does)
# The binutils are picked per file from its ELF machine (NM/SIZE override them).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: check_no_heap.sh FILE.elf..." >&2; exit 2; }
forbidden='^_*(malloc|free|realloc|calloc|sbrk|memalign|posix_memalign)(_r)?$|^_*(malloc|free|realloc|calloc)_r$|^operator (new|delete)|^__cxa_|^__gxx_personality|^_Unwind_|^__aeabi_unwind'
failed=0
for elf in "$@"; do
  case $(od -An -tu2 -j18 -N2 "$elf" | tr -d ' ') in  # e_machine
    243) prefix=riscv64-unknown-elf ;;
    *) prefix=arm-none-eabi ;;
  esac
  nm_tool=${NM:-$prefix-nm}
  size_tool=${SIZE:-$prefix-size}
  # "00001234 T name" or "         U name" -> "name" (demangled; may contain spaces).
  names=$("$nm_tool" -C "$elf" | sed -E 's/^[[:xdigit:]]* *[A-Za-z] //')
  if bad=$(grep -E "$forbidden" <<<"$names"); then
    echo "FAIL: $elf links heap or C++ runtime symbols:"
    sed 's/^/    /' <<<"$bad"
    failed=1
    continue
  fi
  echo "ok: $elf links no malloc/free/realloc/calloc/_sbrk/new/delete/__cxa_* ($(wc -l <<<"$names") symbols)"
  echo "    size (text data bss dec hex): $("$size_tool" "$elf" | tail -n 1)"
done
exit $failed
