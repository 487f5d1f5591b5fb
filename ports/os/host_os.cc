// tinytb AsyncOs for hosts (host_os.h).
#include "host_os.h"

#include <stdint.h>

#include <chrono>
#include <thread>

namespace tinytb {
namespace {

thread_local int t_interrupt_depth = 0;

bool host_in_interrupt() { return t_interrupt_depth > 0; }
void host_sleep_ms(uint32_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }
uint64_t host_uptime_ms() {
  const auto now = std::chrono::steady_clock::now().time_since_epoch();
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

}  // namespace

AsyncOs host_os() {
  AsyncOs os;
  os.in_interrupt = host_in_interrupt;
  os.sleep_ms = host_sleep_ms;
  os.uptime_ms = host_uptime_ms;
  return os;
}

HostInterruptScope::HostInterruptScope() { ++t_interrupt_depth; }
HostInterruptScope::~HostInterruptScope() { --t_interrupt_depth; }

}  // namespace tinytb
