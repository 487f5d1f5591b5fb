// tinytb Cortex-M firmware: a polled transmit driver for ARM's CMSDK APB UART, the UART of
// the mps2 boards (and of many Cortex-M FPGA and ASIC designs built from ARM's CMSDK), and
// the byte link the streaming build (TINYTB_FW_STREAM) hands to ports/stream.
//
// Registers (ARM DDI 0479, CMSDK APB UART; QEMU's hw/char/cmsdk-apb-uart.c), 32-bit:
//   0x000 DATA     a write queues one byte (bits 7:0) for sending
//   0x004 STATE    bit 0 TX buffer full, bit 2 TX overrun (a byte written while full is
//                  lost; write 1 to clear)
//   0x008 CTRL     bit 0 TX enable (RX and the interrupts stay off: the stream only sends)
//   0x010 BAUDDIV  PCLK / baud rate; the UART works only with 16 or more
// UART0 is at 0x40004000 on the AN385/AN386/AN500 maps; PCLK is 25 MHz there. QEMU connects
// UART0 to its first -serial backend (a TCP socket, a file, a pty).
//
// Transmission is polled: the UART holds one byte, and DATA is written only while STATE
// says the buffer is not full, so no byte is ever overrun. That costs the core the whole
// transfer time (87 us a byte at 115200 baud), which a board with DMA would overlap with
// its work; the interface stays the same. A link that accepts nothing for `stall_ms`
// (a dead receiver behind flow control, a stuck emulator backend) fails the send instead
// of hanging the firmware: the stream then counts the frame as lost and goes on.
//
// Under QEMU the UART is not paced: a byte goes out as soon as the host side takes it, so
// the baud rate set here decides nothing there (the throughput figures come from the host
// benchmark, docs/streaming.md). On a real UART the same code runs at the line rate.
#ifndef TINYTB_EXAMPLES_CORTEX_M_UART_H_
#define TINYTB_EXAMPLES_CORTEX_M_UART_H_

#include <stddef.h>
#include <stdint.h>

#include "stream_sink.h"

namespace uart {

constexpr uintptr_t kUart0Address = 0x40004000;
constexpr uint32_t kMps2PclkHz = 25000000;
constexpr uint32_t kMinBaudDivider = 16;

class CmsdkUart : public tinytb::ByteLink {
 public:
  explicit CmsdkUart(uintptr_t base) : base_(base) {}

  // Sets the divider for `baud` from `pclk_hz` and enables the transmitter.
  // Returns kInvalidArgument (and leaves the UART off) if the divider would be below 16
  // or above the register's 20 bits.
  tinytb::Status begin(uint32_t baud, uint32_t pclk_hz, uint32_t stall_ms);

  // Sends every byte, waiting while the UART is full. kOk when all went out; kIoError if
  // the UART took nothing for stall_ms (how many did go out: bytes_sent()); kNotOpen
  // before begin().
  tinytb::Status send(const uint8_t* data, size_t size) override;

  uint64_t bytes_sent() const { return sent_; }
  // Times a send gave up on a stalled link.
  uint32_t stalls() const { return stalls_; }
  // TX overruns the hardware flagged: must stay 0 (a byte lost inside the UART).
  uint32_t overruns() const { return overruns_; }

 private:
  volatile uint32_t& reg(uintptr_t offset) const { return *reinterpret_cast<volatile uint32_t*>(base_ + offset); }

  uintptr_t base_;
  uint32_t stall_ticks_ = 0;
  bool enabled_ = false;
  uint64_t sent_ = 0;
  uint32_t stalls_ = 0;
  uint32_t overruns_ = 0;
};

}  // namespace uart

#endif  // TINYTB_EXAMPLES_CORTEX_M_UART_H_
