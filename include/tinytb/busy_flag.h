// tinytb (detail): a try-lock for resources that only one caller may use at a time
// (a PNG encoder's arena, lodepng's file-level allocator hooks).
//
// Correct on every target it compiles for; the path is chosen at compile time and a target
// with none of them does not compile (#error below), so there is no silent fallback:
//
//   atomic    a word-sized atomic exchange, where the compiler says a word is always
//             lock-free (__GCC_ATOMIC_INT_LOCK_FREE == 2): x86, AArch64, Cortex-M3 and up
//             (ldrex/strex), ARMv8-M baseline, RISC-V with the A extension (amoswap.w).
//   masked    where it is not, an atomic read-modify-write does not exist in hardware, and
//             GCC compiles std::atomic_flag::test_and_set to a plain load and store an
//             interrupt can split (or to a libatomic call a bare-metal build lacks). There
//             the test-and-set runs with interrupts masked:
//               ARMv6-M (Cortex-M0/M0+)            PRIMASK (cpsid i, then restored)
//               RISC-V without A (ESP32-C3, RV32IMC)  mstatus.MIE (csrrci, then restored);
//                                                     machine mode only, as bare-metal code
//                                                     and ESP-IDF run
//             That guards against interrupts on the same core; on a dual-core part without
//             atomics (RP2040) do not share one encoder between the two cores.
//
// No <atomic>: GCC's __atomic builtins directly, so toolchains without a C++ library build it.
// tests/target/check_busy_flag.sh disassembles firmware for rv32imc, rv32imac and ARMv6-M and
// checks each try_take holds the instructions its path needs.
#ifndef TINYTB_BUSY_FLAG_H_
#define TINYTB_BUSY_FLAG_H_

#include <stdint.h>

#if defined(__GCC_ATOMIC_INT_LOCK_FREE) && __GCC_ATOMIC_INT_LOCK_FREE == 2
#define TINYTB_BUSY_FLAG_ATOMIC 1
#elif defined(__ARM_ARCH_6M__)
#define TINYTB_BUSY_FLAG_PRIMASK 1
#elif defined(__riscv) && !defined(__riscv_atomic)
#define TINYTB_BUSY_FLAG_MSTATUS 1
#else
#error "tinytb busy_flag.h: this target has no always-lock-free word atomic and no known way to mask interrupts; add one"
#endif

namespace tinytb {
namespace detail {

class BusyFlag {
 public:
  // True when the caller now holds the flag; false when someone else does.
  bool try_take() {
#if defined(TINYTB_BUSY_FLAG_ATOMIC)
    return __atomic_exchange_n(&taken_, 1u, __ATOMIC_ACQUIRE) == 0;
#elif defined(TINYTB_BUSY_FLAG_PRIMASK)
    uint32_t primask;
    __asm volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
    const uint32_t was_taken = taken_;
    taken_ = 1;
    __asm volatile("msr primask, %0" ::"r"(primask) : "memory");
    return was_taken == 0;
#else
    // csrrci mstatus, 8 clears MIE (bit 3) and returns the old value; csrs puts back only
    // that bit, and only if it was set. Spelled with .insn so that an -march without
    // _zicsr (GCC 12 and later split it out of I) still assembles it.
    uint32_t mstatus;
    __asm volatile(".insn i 0x73, 7, %0, x8, 0x300  # csrrci %0, mstatus, 8" : "=r"(mstatus)::"memory");
    const uint32_t was_taken = taken_;
    taken_ = 1;
    const uint32_t mie = mstatus & 8u;
    __asm volatile(".insn i 0x73, 2, x0, %0, 0x300  # csrs mstatus, %0" ::"r"(mie) : "memory");
    return was_taken == 0;
#endif
  }

  void release() {
#if defined(TINYTB_BUSY_FLAG_ATOMIC)
    __atomic_store_n(&taken_, 0u, __ATOMIC_RELEASE);
#else
    __asm volatile("" ::: "memory");  // an aligned word store is atomic; keep earlier writes before it
    taken_ = 0;
#endif
  }

 private:
#if defined(TINYTB_BUSY_FLAG_ATOMIC)
  uint32_t taken_ = 0;
#else
  volatile uint32_t taken_ = 0;
#endif
};

}  // namespace detail
}  // namespace tinytb

#endif  // TINYTB_BUSY_FLAG_H_
