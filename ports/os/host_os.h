// tinytb AsyncOs for hosts (Linux, macOS): threads sleep with std::this_thread, time from
// std::chrono::steady_clock. A host has no interrupts; a test marks a thread as one (an
// interrupt stand-in) with HostInterruptScope, so the refusals an interrupt gets are testable.
#ifndef TINYTB_HOST_OS_H_
#define TINYTB_HOST_OS_H_

#include "tinytb/writer/async_os.h"

namespace tinytb {

AsyncOs host_os();

// While one lives, host_os().in_interrupt() is true on the thread that made it.
class HostInterruptScope {
 public:
  HostInterruptScope();
  ~HostInterruptScope();
  HostInterruptScope(const HostInterruptScope&) = delete;
  HostInterruptScope& operator=(const HostInterruptScope&) = delete;
};

}  // namespace tinytb

#endif  // TINYTB_HOST_OS_H_
