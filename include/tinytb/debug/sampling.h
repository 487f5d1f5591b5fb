// tinytb: sampling policies, small objects that decide whether this step is logged, and the
// triggers that decide when a flight recorder writes what it kept (flight_recorder.h).
//
//   static tinytb::EveryNSteps every_100{100};
//   static tinytb::AtMostPerSecond<2> two_a_second{tinytb::posix_clock()};
//   static tinytb::AllOf<tinytb::EveryNSteps&, tinytb::AtMostPerSecond<2>&> log_image{every_100, two_a_second};
//   tinytb::Sample s = tinytb::Sample::top1(step, {out->data.int8, 12, {scale, zero_point}});
//   if (log_image.sample(s)) (void)writer.image("camera/frame", step, view, png);
//
// The protocol every policy, trigger and combination follows (so they nest):
//   bool due(const Sample& s)    would this sample be taken? Reads a clock at most once and
//                                changes nothing but that remembered reading;
//   void taken(const Sample& s)  the sample was taken: update the state (counts, last value,
//                                take times). Call it only right after due() of the same sample;
//   bool sample(const Sample& s) due(), then taken() if so: what an application calls.
// AllOf takes a sample when every member is due, AnyOf when one is; both ask every member
// (no short cut, so each clock is read once per sample) and tell every member taken().
// So a rate limit inside AllOf spends its budget only on samples the whole takes, and
// FirstN inside AnyOf counts the samples the whole took.
//
// Members are held by value, or by reference when the type argument is a reference (one
// policy object shared by two combinations, or one that must be inspected afterwards).
// Nothing here allocates, reads or writes anything but the objects' own fields; no
// floating-point double; each call is O(1) (AtMostPerSecond<K>: O(1) too, a ring of K times).
// Not thread-safe: a policy belongs to one task.
#ifndef TINYTB_DEBUG_SAMPLING_H_
#define TINYTB_DEBUG_SAMPLING_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/values.h"
#include "tinytb/writer/clock.h"

namespace tinytb {

// What a policy looks at. `value` is the quantity a change or a threshold is judged on
// (a top score, a loss, a sensor reading); `label` the class a flip is judged on (-1: none).
struct Sample {
  int64_t step = 0;
  float value = 0.0f;
  int32_t label = -1;

  // The step with the highest score of `scores` as value and its index as label, the
  // scores turned into reals in float (scale * (q - zero_point)); ties keep the lower
  // index, NaN never wins. Empty or null scores, or a bad scale, give value NaN, label -1.
  static Sample top1(int64_t step, const Values& scores);
};

// Due when step is a multiple of n (0, n, 2n, ...; negative steps too), as the tutorials'
// "every N epochs". n = 0 is never due. Stateless.
class EveryNSteps {
 public:
  explicit constexpr EveryNSteps(uint32_t n) : n_(n) {}
  bool due(const Sample& s) const;
  void taken(const Sample&) {}
  bool sample(const Sample& s) { return due(s); }

 private:
  uint32_t n_;
};

// Due for the first n samples taken (by this policy alone, or by the combination it is in),
// never after. reset() starts counting again.
class FirstN {
 public:
  explicit constexpr FirstN(uint32_t n) : n_(n) {}
  bool due(const Sample&) const { return taken_ < n_; }
  void taken(const Sample&) {
    if (taken_ < n_) ++taken_;
  }
  bool sample(const Sample& s);
  void reset() { taken_ = 0; }
  uint32_t count() const { return taken_; }

 private:
  uint32_t n_;
  uint32_t taken_ = 0;
};

// Due when `value` moved more than `threshold` (>= 0) away from the value last taken, or
// nothing was taken yet. NaN counts as a change from a number and from NaN to a number;
// NaN after NaN and an infinity after the same infinity are no change.
class OnChange {
 public:
  explicit constexpr OnChange(float threshold) : threshold_(threshold) {}
  bool due(const Sample& s) const;
  void taken(const Sample& s) {
    last_ = s.value;
    have_ = true;
  }
  bool sample(const Sample& s);
  void reset() { have_ = false; }

 private:
  float threshold_;
  float last_ = 0.0f;
  bool have_ = false;
};

namespace detail {
// The size-erased part of AtMostPerSecond: a ring of the last K take times, passed in by the
// derived class on every call (so the object stays copyable: no pointer into itself).
class RateLimitBase {
 protected:
  RateLimitBase(uint32_t k, const Clock& clock, uint32_t period_ms)
      : k_(k), period_ms_(period_ms), uptime_ms_(clock.uptime_ms) {}
  bool due_in(const uint64_t* times);
  void taken_in(uint64_t* times);
  void reset_ring() {
    used_ = 0;
    head_ = 0;
  }
  void use_clock(const Clock& clock) { uptime_ms_ = clock.uptime_ms; }

 private:
  uint32_t k_;
  uint32_t period_ms_;
  uint64_t (*uptime_ms_)();
  uint32_t head_ = 0;  // the oldest kept take time
  uint32_t used_ = 0;  // take times kept (<= k)
  uint64_t now_ = 0;   // the reading of the last due()
  bool now_valid_ = false;
};
}  // namespace detail

// At most K samples taken in any window of period_ms milliseconds (default: a second) of the
// clock's uptime_ms. The clock's function pointer is copied: to use the writer's, pass
// writer.clock() after writer.open() (or call set_clock() then), not to a static object
// built before it (the writer's clock is empty until open()). Exact: it keeps the last K take
// times (8 K bytes) and is due when fewer than K were taken or the oldest of them is
// period_ms or more ago. Edge cases, defined:
//   no uptime_ms clock:   never due (a rate cannot be kept without time);
//   period_ms = 0:        always due (no limit);
//   the clock goes back (against its contract, e.g. a counter that wrapped): the kept times
//                         are forgotten and counting starts again from that reading;
//   K = 0:                does not compile.
template <uint32_t K>
class AtMostPerSecond : public detail::RateLimitBase {
  static_assert(K >= 1, "AtMostPerSecond<K>: K must be at least 1");

 public:
  explicit AtMostPerSecond(const Clock& clock, uint32_t period_ms = 1000)
      : detail::RateLimitBase(K, clock, period_ms) {}
  bool due(const Sample&) { return due_in(times_); }
  void taken(const Sample&) { taken_in(times_); }
  bool sample(const Sample& s) {
    if (!due(s)) return false;
    taken(s);
    return true;
  }
  void reset() { reset_ring(); }
  void set_clock(const Clock& clock) { use_clock(clock); }
  static constexpr size_t storage_bytes() { return sizeof(AtMostPerSecond); }

 private:
  uint64_t times_[K] = {};
};

// Triggers: the same protocol, for a flight recorder's dump.

// Due when `value` is below `threshold` (a NaN value is below every threshold: a model that
// outputs NaN is worth a look).
class ScoreBelow {
 public:
  explicit constexpr ScoreBelow(float threshold) : threshold_(threshold) {}
  bool due(const Sample& s) const { return !(s.value >= threshold_); }
  void taken(const Sample&) {}
  bool sample(const Sample& s) { return due(s); }

 private:
  float threshold_;
};

// Due when `label` differs from the label of the previous sample seen (not only the ones
// taken: a flip is between consecutive frames). The first sample is never a flip; a label of
// -1 is "no class" and flips like any other. Its state moves in due(), so use it at most once
// per sample (it is the one policy for which due() is not free of effects).
class ClassFlip {
 public:
  bool due(const Sample& s);
  void taken(const Sample&) {}
  bool sample(const Sample& s) { return due(s); }
  void reset() { have_ = false; }
  // The label before the last due() call's sample (valid after a flip).
  int32_t previous() const { return previous_; }

 private:
  int32_t last_ = -1;
  int32_t previous_ = -1;
  bool have_ = false;
};

// Combinations. A and B are policy types, or references to them. AllOf and AnyOf differ
// only in how the two answers combine: both members are always asked, so each sees every
// sample.
namespace detail {
template <typename A, typename B, bool kBoth>
class Combination {
 public:
  Combination(A a, B b) : a_(a), b_(b) {}
  bool due(const Sample& s) {
    const bool a = a_.due(s);
    const bool b = b_.due(s);
    return kBoth ? (a && b) : (a || b);
  }
  void taken(const Sample& s) {
    a_.taken(s);
    b_.taken(s);
  }
  bool sample(const Sample& s) {
    if (!due(s)) return false;
    taken(s);
    return true;
  }

 private:
  A a_;
  B b_;
};
}  // namespace detail

template <typename A, typename B>
using AllOf = detail::Combination<A, B, true>;
template <typename A, typename B>
using AnyOf = detail::Combination<A, B, false>;

}  // namespace tinytb

#endif  // TINYTB_DEBUG_SAMPLING_H_
