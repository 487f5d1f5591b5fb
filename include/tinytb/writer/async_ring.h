// tinytb: the bounded multi-producer queue under AsyncWriter (async_writer.h), usable alone.
//
// Slots of a fixed size, each with a sequence number (D. Vyukov's bounded queue): a producer
// claims the slot at the enqueue position with one compare-and-swap, fills it in place, and
// publishes it by storing the slot's sequence; a consumer claims the slot at the dequeue
// position the same way, reads it in place for as long as it needs (the slow sink write),
// and frees it by storing the sequence one lap later. No call ever waits for another: a
// claim that finds the slot not yet free (or not yet published) reports "full" ("empty")
// and returns. So an interrupt may push while the task it interrupted is between its claim
// and its publish; the consumer then stops at that slot until it is published, which keeps
// the order of claims. docs/async.md gives the protocol, its spin model and its costs.
//
// Atomics, chosen with busy_flag.h's platform selection (never a second one):
//   TINYTB_BUSY_FLAG_ATOMIC   GCC's __atomic builtins on a word: hosts, Cortex-M3/M4/M7/M33
//                             (ldrex/strex), RISC-V with A (lr.w/sc.w).
//   TINYTB_BUSY_FLAG_PRIMASK  Cortex-M0/M0+: the compare-and-swap runs with PRIMASK set
//   TINYTB_BUSY_FLAG_MSTATUS  RISC-V without A: with mstatus.MIE cleared
// The masked paths guard against interrupts on one core, which is also what preempts an RTOS
// task there. An RTOS on several cores without atomics defines TINYTB_ASYNC_CRITICAL_ENTER()
// and TINYTB_ASYNC_CRITICAL_EXIT() (e.g. taskENTER_CRITICAL / taskEXIT_CRITICAL, a spinlock)
// before including this header; they then replace the masking on every target.
//
// Positions are 32-bit counters that wrap; the slot count is a power of two, so wrapping
// keeps slot = position % count. Sequences compare by signed difference (fewer than 2^31
// slots). Ownership: the storage is the caller's (AsyncRing<...> holds it inline).
#ifndef TINYTB_ASYNC_RING_H_
#define TINYTB_ASYNC_RING_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/busy_flag.h"
#include "tinytb/config.h"

namespace tinytb {
namespace detail {

#if defined(TINYTB_ASYNC_CRITICAL_ENTER) && defined(TINYTB_ASYNC_CRITICAL_EXIT)
#define TINYTB_ASYNC_USER_CRITICAL 1
#endif

#if defined(TINYTB_BUSY_FLAG_ATOMIC) && !defined(TINYTB_ASYNC_USER_CRITICAL)
inline uint32_t ring_load(const uint32_t* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
inline uint32_t ring_load_relaxed(const uint32_t* p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
inline void ring_store(uint32_t* p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
// True when *p held `expected` and now holds `desired`.
inline bool ring_cas(uint32_t* p, uint32_t expected, uint32_t desired) {
  return __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}
inline uint32_t ring_add(uint32_t* p, uint32_t v) { return __atomic_fetch_add(p, v, __ATOMIC_ACQ_REL); }
#else
// One core (or the user's critical section): an aligned word load or store is atomic; the
// compiler barriers keep the slot's bytes on the right side of the sequence store.
class RingCritical {
 public:
#if defined(TINYTB_ASYNC_USER_CRITICAL)
  RingCritical() { TINYTB_ASYNC_CRITICAL_ENTER(); }
  ~RingCritical() { TINYTB_ASYNC_CRITICAL_EXIT(); }
#elif defined(TINYTB_BUSY_FLAG_PRIMASK)
  RingCritical() { __asm volatile("mrs %0, primask\n\tcpsid i" : "=r"(saved_)::"memory"); }
  ~RingCritical() { __asm volatile("msr primask, %0" ::"r"(saved_) : "memory"); }
#elif defined(TINYTB_BUSY_FLAG_MSTATUS)
  RingCritical() { __asm volatile(".insn i 0x73, 7, %0, x8, 0x300  # csrrci %0, mstatus, 8" : "=r"(saved_)::"memory"); }
  ~RingCritical() {
    const uint32_t mie = saved_ & 8u;
    __asm volatile(".insn i 0x73, 2, x0, %0, 0x300  # csrs mstatus, %0" ::"r"(mie) : "memory");
  }
#endif
  RingCritical(const RingCritical&) = delete;
  RingCritical& operator=(const RingCritical&) = delete;

 private:
  uint32_t saved_ = 0;
};
inline uint32_t ring_load(const uint32_t* p) {
  const uint32_t v = *static_cast<const volatile uint32_t*>(p);
  __asm volatile("" ::: "memory");
  return v;
}
inline uint32_t ring_load_relaxed(const uint32_t* p) { return *static_cast<const volatile uint32_t*>(p); }
inline void ring_store(uint32_t* p, uint32_t v) {
  __asm volatile("" ::: "memory");
  *static_cast<volatile uint32_t*>(p) = v;
}
inline bool ring_cas(uint32_t* p, uint32_t expected, uint32_t desired) {
  RingCritical guard;
  if (*static_cast<volatile uint32_t*>(p) != expected) return false;
  *static_cast<volatile uint32_t*>(p) = desired;
  return true;
}
inline uint32_t ring_add(uint32_t* p, uint32_t v) {
  RingCritical guard;
  const uint32_t old = *static_cast<volatile uint32_t*>(p);
  *static_cast<volatile uint32_t*>(p) = old + v;
  return old;
}
#endif

inline int32_t ring_diff(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b); }

}  // namespace detail

// A claimed slot: where to write (or read) and the ticket that publishes (or frees) it.
struct RingSlot {
  uint8_t* data = nullptr;  // null: nothing claimed (full, or empty)
  uint32_t position = 0;
};

// The size-erased ring. Use AsyncRing<Slots, SlotBytes> to get one with storage.
class AsyncRingBase {
  static constexpr size_t kRingAlign = TINYTB_SMALL_TARGET ? alignof(uint32_t) : 64;

 public:
  AsyncRingBase(const AsyncRingBase&) = delete;
  AsyncRingBase& operator=(const AsyncRingBase&) = delete;

  // Producer: claim the next free slot (SlotBytes bytes, 8-aligned), or data == null when
  // the ring is full (or the next slot's previous content is still being read or written).
  // Any number of producers, interrupts included; never waits.
  RingSlot try_claim() {
    uint32_t pos = detail::ring_load_relaxed(&enqueue_);
    for (;;) {
      uint32_t* seq = &sequence_[pos & mask_];
      const int32_t diff = detail::ring_diff(detail::ring_load(seq), pos);
      if (diff == 0) {
        if (detail::ring_cas(&enqueue_, pos, pos + 1)) return RingSlot{slot(pos), pos};
      } else if (diff < 0) {
        return RingSlot{};
      }
      pos = detail::ring_load_relaxed(&enqueue_);
    }
  }
  // Producer: the slot's bytes are written; hand it to the consumer.
  void publish(const RingSlot& s) { detail::ring_store(&sequence_[s.position & mask_], s.position + 1); }

  // Consumer: claim the oldest published slot, or data == null when there is none (or the
  // oldest claimed one is not published yet). Several consumers may call it: AsyncWriter's
  // drain, and producers dropping the oldest record when the ring is full.
  RingSlot try_take() {
    uint32_t pos = detail::ring_load_relaxed(&dequeue_);
    for (;;) {
      uint32_t* seq = &sequence_[pos & mask_];
      const int32_t diff = detail::ring_diff(detail::ring_load(seq), pos + 1);
      if (diff == 0) {
        if (detail::ring_cas(&dequeue_, pos, pos + 1)) return RingSlot{slot(pos), pos};
      } else if (diff < 0) {
        return RingSlot{};
      }
      pos = detail::ring_load_relaxed(&dequeue_);
    }
  }
  // Consumer: done with the slot's bytes; the slot is free for the producer one lap later.
  void release(const RingSlot& s) { detail::ring_store(&sequence_[s.position & mask_], s.position + count_); }

  size_t slot_count() const { return count_; }
  size_t slot_bytes() const { return slot_bytes_; }
  // Slots claimed and not yet taken (a snapshot: producers and consumers move it).
  size_t queued() const {
    return static_cast<size_t>(detail::ring_load(&enqueue_) - detail::ring_load(&dequeue_));
  }

 protected:
  // `count` is a power of two >= 2; `storage` holds count * slot_bytes bytes, 8-aligned.
  AsyncRingBase(uint8_t* storage, uint32_t* sequence, uint32_t count, size_t slot_bytes)
      : storage_(storage), sequence_(sequence), count_(count), mask_(count - 1), slot_bytes_(slot_bytes) {
    for (uint32_t i = 0; i < count; ++i) sequence_[i] = i;
  }
  ~AsyncRingBase() = default;

 private:
  uint8_t* slot(uint32_t pos) const { return storage_ + static_cast<size_t>(pos & mask_) * slot_bytes_; }

  uint8_t* const storage_;
  uint32_t* const sequence_;
  const uint32_t count_;
  const uint32_t mask_;
  const size_t slot_bytes_;
  // Apart, so that producers and the consumer do not share a cache line on a host (a
  // microcontroller has no cache lines to share: no padding there).
  alignas(kRingAlign) uint32_t enqueue_ = 0;
  alignas(kRingAlign) uint32_t dequeue_ = 0;
};

// A ring with its storage inline: Slots (a power of two, 2..65536) of SlotBytes each
// (a multiple of 8). RAM: Slots * (SlotBytes + 4) + 32 bytes on a 32-bit target
// (AsyncRing<8, 80>: 704 bytes on a Cortex-M4); two cache lines more on a host.
template <size_t Slots, size_t SlotBytes>
class AsyncRing : public AsyncRingBase {
  static_assert(Slots >= 2 && Slots <= 65536 && (Slots & (Slots - 1)) == 0, "Slots must be a power of two, 2..65536");
  static_assert(SlotBytes >= 8 && SlotBytes % 8 == 0, "SlotBytes must be a multiple of 8");

 public:
  static constexpr size_t kSlots = Slots;
  static constexpr size_t kSlotBytes = SlotBytes;
  AsyncRing() : AsyncRingBase(&storage_[0][0], sequence_, static_cast<uint32_t>(Slots), SlotBytes) {}

 private:
  alignas(8) uint8_t storage_[Slots][SlotBytes];
  uint32_t sequence_[Slots];
};

}  // namespace tinytb

#endif  // TINYTB_ASYNC_RING_H_
