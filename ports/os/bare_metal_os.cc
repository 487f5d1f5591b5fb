// tinytb AsyncOs for bare metal (bare_metal_os.h).
#include "bare_metal_os.h"

namespace tinytb {
namespace {

#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
bool cortex_m_in_interrupt() {
  uint32_t ipsr;
  __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
  return (ipsr & 0x1FFu) != 0;
}
#endif

}  // namespace

AsyncOs bare_metal_os(uint64_t (*uptime_ms)()) {
  AsyncOs os;
#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
  os.in_interrupt = cortex_m_in_interrupt;
#endif
  os.uptime_ms = uptime_ms;
  return os;
}

}  // namespace tinytb
