// tinytb RISC-V firmware: the start-up a bare-metal RV32 program needs in machine mode, on
// QEMU's virt machine (-bios none) and most boards. Linker script: virt.ld. The example's
// program, camera, model and board services are examples/cortex_m's, built with
// TINYTB_FW_RISCV_VIRT (board.h); only what depends on the core is here.
//
//   _start   the first instruction at DRAM's start: sets the global pointer and the stack
//            pointer, points mtvec at the trap handler, and calls reset()
//   reset    paints the stack (board.h measures it), copies .data, zeroes .bss, runs the
//            static constructors, calls firmware_main() and ends the program through
//            semihosting with its return value (SYS_EXIT_EXTENDED: QEMU exits with it)
//   traps    the program enables no interrupt, so any trap is an exception: print its
//            cause, mepc and mtval to the console, then exit with kFaultExitStatus (a crash
//            is a failed run with a reason, never a hang that only a timeout ends)
#include <stdint.h>

#include "board.h"
#include "semihosting_sink.h"

int firmware_main();

constexpr int kFaultExitStatus = 99;

extern "C" {
extern uint32_t __data_load__[], __data_start__[], __data_end__[], __bss_start__[], __bss_end__[];
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
[[noreturn]] void _start();
[[noreturn]] void reset();
void trap_entry();
[[noreturn]] void trap_report(uint32_t mcause, uint32_t mepc, uint32_t mtval);
}

// gp is set with relaxation off: relaxed, the assembler would compute gp from gp itself.
// mtvec in direct mode needs a 4-byte aligned handler (trap_entry is).
__attribute__((naked, section(".text.start"))) void _start() {
  __asm__ volatile(
      ".option push\n\t.option norelax\n\t"
      "la gp, __global_pointer$\n\t"
      ".option pop\n\t"
      "la sp, __stack_top__\n\t"
      "la t0, trap_entry\n\t"
      ".insn i 0x73, 1, x0, t0, 0x305\n\t"  // csrw mtvec, t0 (.insn: no _zicsr needed)
      "j reset");
}

void reset() {
  board::stack_paint_at_reset();
  for (uint32_t *src = __data_load__, *dst = __data_start__; dst < __data_end__;) *dst++ = *src++;
  for (uint32_t* p = __bss_start__; p < __bss_end__;) *p++ = 0;
  for (void (**f)() = __init_array_start; f < __init_array_end; ++f) (*f)();
  tinytb::semihosting::exit(firmware_main());
}

// Never returns, so nothing needs saving: read the three CSRs into the argument registers.
// A trap from a stack overflow may leave sp anywhere: restart the stack from its top.
__attribute__((naked, aligned(4))) void trap_entry() {
  __asm__ volatile(
      ".insn i 0x73, 2, a0, x0, 0x342\n\t"  // csrr a0, mcause
      ".insn i 0x73, 2, a1, x0, 0x341\n\t"  // csrr a1, mepc
      ".insn i 0x73, 2, a2, x0, 0x343\n\t"  // csrr a2, mtval
      "la sp, __stack_top__\n\t"
      "j trap_report");
}

void trap_report(uint32_t mcause, uint32_t mepc, uint32_t mtval) {
  board::print("\nfault: trap, mcause ");
  board::print_hex(mcause);
  board::print(" at pc ");
  board::print_hex(mepc);
  board::print(", mtval ");
  board::print_hex(mtval);
  board::print("\n");
  tinytb::semihosting::exit(kFaultExitStatus);
}
