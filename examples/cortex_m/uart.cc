// tinytb Cortex-M firmware: the CMSDK APB UART, transmit only, polled (uart.h).
#include "uart.h"

#include "board.h"

namespace uart {
namespace {

constexpr uintptr_t kData = 0x000;
constexpr uintptr_t kState = 0x004;
constexpr uintptr_t kCtrl = 0x008;
constexpr uintptr_t kBaudDiv = 0x010;
constexpr uint32_t kStateTxFull = 1u << 0;
constexpr uint32_t kStateTxOverrun = 1u << 2;
constexpr uint32_t kCtrlTxEnable = 1u << 0;
constexpr uint32_t kMaxBaudDivider = (1u << 20) - 1;

}  // namespace

tinytb::Status CmsdkUart::begin(uint32_t baud, uint32_t pclk_hz, uint32_t stall_ms) {
  if (baud == 0) return tinytb::Status::kInvalidArgument;
  const uint32_t divider = pclk_hz / baud;
  if (divider < kMinBaudDivider || divider > kMaxBaudDivider) return tinytb::Status::kInvalidArgument;
  reg(kCtrl) = 0;
  // The divider must be valid before TX is enabled (the UART refuses to run below 16).
  reg(kBaudDiv) = divider;
  reg(kState) = kStateTxOverrun;  // clear a stale flag from before a warm reset
  reg(kCtrl) = kCtrlTxEnable;
  stall_ticks_ = stall_ms * (board::kCounterHz / 1000);
  enabled_ = true;
  return tinytb::Status::kOk;
}

tinytb::Status CmsdkUart::send(const uint8_t* data, size_t size) {
  if (!enabled_) return tinytb::Status::kNotOpen;
  uint32_t last_progress = board::counter_ticks();
  for (size_t i = 0; i < size; ++i) {
    while (reg(kState) & kStateTxFull) {
      // Unsigned difference: right across the counter's wrap.
      if (board::counter_ticks() - last_progress > stall_ticks_) {
        ++stalls_;
        return tinytb::Status::kIoError;
      }
    }
    reg(kData) = data[i];
    ++sent_;
    last_progress = board::counter_ticks();
  }
  if (reg(kState) & kStateTxOverrun) {
    ++overruns_;
    reg(kState) = kStateTxOverrun;
    return tinytb::Status::kIoError;
  }
  return tinytb::Status::kOk;
}

}  // namespace uart
