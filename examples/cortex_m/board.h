// tinytb Cortex-M firmware: what the example needs from the board, on QEMU's mps2 machines
// (and, with the addresses changed, on an MPS2 FPGA board itself).
//
//   console      text to the debugger's console through semihosting (SYS_WRITE0); under
//                QEMU it goes to QEMU's standard output. Slow on a real probe: for reports.
//   counter      the FPGAIO block's free-running COUNTER (PRESCALE left at 0, so it counts
//                the reference clock: 25 MHz on AN385/AN386/AN500, 20 MHz on AN505). Under
//                QEMU with -icount shift=0 every instruction takes one nanosecond of virtual
//                time, so a tick is exactly kInstructionsPerTick instructions and a count is
//                the same on every run: a cost figure, not a wall-clock time.
//   stack        startup.cc paints the whole stack at reset; stack_paint_below() paints it
//                again under a given stack pointer, so that stack_used_below() afterwards
//                finds the deepest word anything wrote since: the stack a call really used,
//                whatever path it took (no static call-graph estimate).
//
// Addresses: QEMU's hw/arm/mps2.c and mps2-tz.c, ARM AN385/AN505 (FPGAIO at 0x40028000 on
// the AN385 family; on the AN505 at 0x40302000, used through its Secure alias 0x50302000
// because the firmware runs Secure). With TINYTB_FW_RISCV_VIRT the same services run on
// QEMU's RISC-V virt machine (examples/riscv): the counter is the CLINT's mtime (hw/riscv/
// virt.c: CLINT at 0x02000000, mtime at +0xBFF8, 10 MHz), 100 instructions a tick.
#ifndef TINYTB_EXAMPLES_CORTEX_M_BOARD_H_
#define TINYTB_EXAMPLES_CORTEX_M_BOARD_H_

#include <stddef.h>
#include <stdint.h>

namespace board {

#if defined(TINYTB_FW_RISCV_VIRT)
// QEMU's RISC-V virt machine: the CLINT's mtime (its low word), 10 MHz.
constexpr uintptr_t kCounterAddress = 0x0200BFF8;
constexpr uint32_t kCounterHz = 10000000;
#elif defined(TINYTB_FW_MPS2_AN505)
constexpr uintptr_t kCounterAddress = 0x50302000 + 0x18;  // FPGAIO COUNTER
constexpr uint32_t kCounterHz = 20000000;
#else
constexpr uintptr_t kCounterAddress = 0x40028000 + 0x18;  // FPGAIO COUNTER
constexpr uint32_t kCounterHz = 25000000;
#endif
constexpr uint32_t kInstructionsPerTick = 1000000000u / kCounterHz;
static_assert(1000000000u % kCounterHz == 0, "a tick must be a whole number of nanoseconds");

// ---- console --------------------------------------------------------------------------------

void print(const char* text);
void print_uint(uint32_t value);  // decimal
void print_hex(uint32_t value);   // 0x and 8 digits

// ---- counter --------------------------------------------------------------------------------

// COUNTER's current value (it wraps after 2^32 ticks: 171 s at 25 MHz).
uint32_t counter_ticks();
// Milliseconds since reset, for tinytb::Clock::uptime_ms; never goes backwards as long as
// it is called at least once per counter wrap.
uint64_t uptime_ms();

// ---- stack ----------------------------------------------------------------------------------

inline uintptr_t stack_pointer() {
  uintptr_t sp;
#if defined(__riscv)
  __asm__ volatile("mv %0, sp" : "=r"(sp));
#else
  __asm__ volatile("mov %0, sp" : "=r"(sp));
#endif
  return sp;
}
// Paints every word of the stack below the caller: for the reset handler, before .data and
// .bss exist (so before anything below may be called).
void stack_paint_at_reset();
// Paints every word of the stack below `sp` (a stack pointer taken with stack_pointer()),
// after noting the deepest word written so far for stack_high_water().
void stack_paint_below(uintptr_t sp);
// Bytes from `sp` down to the deepest word written since stack_paint_below(sp).
size_t stack_used_below(uintptr_t sp);
// Bytes of the stack used since reset (from its top down to the deepest word written),
// and the stack's size (__stack_size__ in the linker script).
size_t stack_high_water();
size_t stack_size();

// What one call cost: instructions (to kInstructionsPerTick) and the deepest stack it used
// below the point of the call. Painting and scanning happen outside the counted window.
struct Cost {
  uint32_t instructions;
  uint32_t stack_bytes;
};

template <typename F>
Cost measure(F&& f) {
  const uintptr_t sp = stack_pointer();
  stack_paint_below(sp);
  const uint32_t start = counter_ticks();
  f();
  const uint32_t end = counter_ticks();
  return Cost{(end - start) * kInstructionsPerTick, static_cast<uint32_t>(stack_used_below(sp))};
}

}  // namespace board

#endif  // TINYTB_EXAMPLES_CORTEX_M_BOARD_H_
