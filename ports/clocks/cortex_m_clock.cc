// tinytb clock for Cortex-M (cortex_m_clock.h). Plain register addresses from the Armv7-M
// and Armv8-M architecture manuals, so no CMSIS header is needed.
// Compiles to nothing except for an Armv7-M or Armv8-M core (CYCCNT exists), so that build systems
// which compile every file of a folder (Arduino, PlatformIO) can carry all the clocks.
#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M' && __ARM_ARCH >= 7

#include "cortex_m_clock.h"

#include <stdint.h>

#include "wrap_counter.h"

namespace tinytb {
namespace {

constexpr uintptr_t kDemcr = 0xE000EDFCu;       // Debug Exception and Monitor Control
constexpr uint32_t kDemcrTrcena = 1u << 24;     // enables DWT and ITM
constexpr uintptr_t kDwtCtrl = 0xE0001000u;
constexpr uint32_t kDwtCtrlCyccntena = 1u << 0;
constexpr uintptr_t kDwtCyccnt = 0xE0001004u;

volatile uint32_t& reg(uintptr_t address) { return *reinterpret_cast<volatile uint32_t*>(address); }

WrapCounter32 g_cycles;
uint32_t g_core_hz = 1000;

uint64_t cycle_uptime_ms() { return ticks_to_ms(g_cycles.extend(reg(kDwtCyccnt)), g_core_hz); }

}  // namespace

Clock cortex_m_cycle_clock(uint32_t core_hz) {
  g_core_hz = core_hz < 1000 ? 1000 : core_hz;
  reg(kDemcr) = reg(kDemcr) | kDemcrTrcena;
  reg(kDwtCtrl) = reg(kDwtCtrl) | kDwtCtrlCyccntena;
  Clock clock;
  clock.uptime_ms = cycle_uptime_ms;
  return clock;
}

}  // namespace tinytb

#endif
