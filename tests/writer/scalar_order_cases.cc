// Calls for tests/writer/check_scalar_order.sh. Without CASE: the calls that must compile
// without a warning. With CASE=n: one call with the step and the value swapped, which
// must not compile.
#include <stddef.h>
#include <stdint.h>

#include "tinytb/writer/event_writer.h"

using tinytb::Status;

Status good(tinytb::EventWriterBase& w, tinytb::Scope& s, int int_step, size_t size_t_step, int64_t int64_step,
            uint32_t u32_step, long long ll_step, int int_value, double double_value, float float_value,
            int64_t int64_value) {
  Status r = w.scalar("t", int_step, 0.5);
  r = w.scalar("t", size_t_step, 1.0f);
  r = w.scalar("t", int64_step, int_value);
  r = w.scalar("t", int64_step, float_value);  // the exact form
  r = w.scalar("t", u32_step, double_value);
  r = w.scalar("t", ll_step, int64_value);
  r = w.scalar("t", 3, 0.25f);
  r = s.scalar("t", int_step, 0.5);
  r = s.scalar("t", size_t_step, 1.0f);
  r = s.scalar("t", int64_step, int_value);
  r = s.scalar("t", u32_step, double_value);
  return r;
}

#ifdef CASE
Status bad(tinytb::EventWriterBase& w, tinytb::Scope& s, int step, float value, double dvalue) {
#if CASE == 1
  return w.scalar("t", 0.5f, 3);
#elif CASE == 2
  return w.scalar("t", value, step);
#elif CASE == 3
  return w.scalar("t", dvalue, step);
#elif CASE == 4
  return s.scalar("t", 0.5, 3);
#elif CASE == 5
  return s.scalar("t", value, step);
#else
#error "unknown CASE"
#endif
  (void)w, (void)s, (void)step, (void)value, (void)dvalue;
}
#endif
