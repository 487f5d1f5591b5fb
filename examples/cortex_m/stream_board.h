// tinytb Cortex-M firmware, streaming build (TINYTB_FW_STREAM): what the board adds to stream
// its log over UART0 (uart.h) through ports/stream instead of writing it through semihosting.
//
//   options   read once at boot from the semihosting command line (SYS_GET_CMDLINE: QEMU's
//             -semihosting-config arg=..., or -kernel's file name and -append), words
//             separated by spaces, unknown words ignored:
//               session=N    the stream's session id (decimal; 1..4294967295)
//               period_ms=N  one frame every N milliseconds of the board's counter (0: as
//                            fast as the link takes them)
//             A board that reboots must present a new session id, so that the receiver
//             starts a new file (docs/streaming.md). A real board takes it from a hardware
//             RNG or a boot counter in flash; QEMU's mps2 has neither, so the host passes
//             one. Without session=, the id is made from the counter at the moment the
//             command line has been read: different from run to run in real time, but
//             the SAME on every run under -icount (virtual time is then deterministic),
//             where the caller must pass session= to tell two runs apart.
//   pacing    wait_for_frame(k) spins until k * period_ms after the first call. Without
//             -icount, QEMU's counter follows the host's clock, so the frames come out
//             at the period in real time and a test can watch them arrive; with -icount
//             shift=0,sleep=off the wait costs instructions only, no real time (pass
//             period_ms=0 to measure).
#ifndef TINYTB_EXAMPLES_CORTEX_M_STREAM_BOARD_H_
#define TINYTB_EXAMPLES_CORTEX_M_STREAM_BOARD_H_

#include <stdint.h>

namespace stream_board {

struct Options {
  uint32_t session_id = 0;
  bool session_from_host = false;  // session= was on the command line
  uint32_t period_ms = 0;
};

// Reads the command line (above). A command line that cannot be read leaves the defaults.
Options read_options(uint32_t default_period_ms);

// Spins until `frame` periods have passed since the first call (frame 0 returns at once).
void wait_for_frame(uint32_t frame, uint32_t period_ms);

}  // namespace stream_board

#endif  // TINYTB_EXAMPLES_CORTEX_M_STREAM_BOARD_H_
