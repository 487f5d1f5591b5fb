// tinytb: logging that never waits for storage (docs/async.md).
//
//   static tinytb::EventWriter<4096> writer;               // the synchronous writer, opened as usual
//   static tinytb::AsyncRing<32, 128> values;              // scalars and short texts
//   // PNGs encoded by the producer; a slot that holds any 96x96 gray PNG (a multiple of 8):
//   static tinytb::AsyncRing<2, (tinytb::async_image_bytes(16, 96, 96, 1) + 7) / 8 * 8> frames;
//   static tinytb::AsyncWriter async(writer, values, &frames);
//   (void)async.start(options);                            // after writer.open()
//   // any task, or an interrupt (scalars):
//   (void)async.scalar("imu/accel", step, value);          // copied into a slot with its wall time
//   (void)async.image("camera/frame", step, view, png);    // PNG encoded here, into a slot
//   // the storage task, idle loop or a timer tick:
//   (void)async.drain();                                   // the writer writes, flushes, syncs
//   (void)async.close();                                   // the rest, the counters, writer.close()
//
// Producers encode their value, with the wall time it was taken, into a slot of a lock-free
// ring (async_ring.h) and return: their cost does not depend on the sink. One drain at a time
// pops the slots in order and calls the synchronous writer (scalar, text, encoded_image,
// image) with the value's own wall time (EventWriterBase::set_value_time); the writer keeps
// handling files, metadata, rotation and the sync policy. A frame too big for a slot is lent
// (lend_image): the drain logs it straight from the producer's buffer and marks the loan done.
//
// Ownership: the caller owns the writer, the rings, the loans and every buffer; a producer's
// buffers are read during the call only, except a lent frame (until its loan is done).
// Order: one ring keeps the order of its claims, so a tag keeps its order when one producer
// logs it (or its producers agree on the order of their steps); a value whose step is not
// above the tag's last one is refused by the writer at the drain and counted as dropped.
// Nothing here allocates. Threads: producers from any task or interrupt; drain(), close()
// and wait() from tasks (an interrupt gets kUnsupported).
#ifndef TINYTB_ASYNC_WRITER_H_
#define TINYTB_ASYNC_WRITER_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/busy_flag.h"
#include "tinytb/image/image_view.h"
#include "tinytb/png/png_encoder.h"
#include "tinytb/status.h"
#include "tinytb/writer/async_os.h"
#include "tinytb/writer/async_ring.h"
#include "tinytb/writer/clock.h"
#include "tinytb/writer/event_writer.h"

namespace tinytb {

// What a producer does when its ring has no free slot.
//   kDropNew     drop this value (kBusy), count it.
//   kDropOldest  drop the oldest queued value of that ring (counted; a lent frame's loan is
//                done with kBusy), queue this one. If the oldest is not published yet (its
//                producer is mid-copy), this one is dropped instead.
//   kWait        sleep (AsyncOs::sleep_ms) until a slot frees, up to wait_ms; then kBusy,
//                counted. Never in an interrupt: there it returns kUnsupported, counted.
enum class FullPolicy : uint8_t { kDropNew = 0, kDropOldest = 1, kWait = 2 };

struct AsyncOptions {
  FullPolicy policy = FullPolicy::kDropNew;
  uint32_t wait_ms = 10;  // kWait's limit
  AsyncOs os;             // ports/os/: bare_metal_os(), host_os(), freertos_os(), zephyr_os()
  // Log tinytb/dropped_records and tinytb/dropped_bytes (totals since start()) from the
  // drain whenever they changed, and always at close(), so a loss shows in TensorBoard.
  bool log_drop_counters = true;
  // At most one counter update per this many milliseconds (os.uptime_ms; without it, every
  // drain that saw them change), so a flood of drops does not flood the file.
  uint32_t counter_every_ms = 1000;
};

// A producer stamps its value with clock_time(writer.clock()) (clock.h), the writer's own
// rule; the clock's functions must then be safe to call from every producer, interrupts
// included.

// Slot bytes a value needs (a slot holds one value): header, tag with its NUL, payload.
constexpr size_t kAsyncHeaderBytes = 56;
constexpr size_t async_record_bytes(size_t tag_len, size_t payload_bytes) {
  return kAsyncHeaderBytes + tag_len + 1 + payload_bytes;
}
constexpr size_t async_scalar_bytes(size_t tag_len) { return async_record_bytes(tag_len, 0); }
// A PNG of w x h x channels always fits a slot of this size (stored PNG, the worst case).
constexpr size_t async_image_bytes(size_t tag_len, uint32_t w, uint32_t h, uint32_t channels) {
  return async_record_bytes(tag_len, png_max_bytes(w, h, channels));
}

// A frame lent to the drain (lend_image, lend_encoded_image). The producer leaves the frame
// (and the PngEncoder) alone until done(); result() then says how the writer took it.
class FrameLoan {
 public:
  FrameLoan() = default;
  FrameLoan(const FrameLoan&) = delete;
  FrameLoan& operator=(const FrameLoan&) = delete;
  // True when the drain is finished with the frame, or it was never lent. Any context.
  bool done() const { return detail::ring_load(&lent_) == 0; }
  // The writer's Status for the last lent frame once done() (kBusy: dropped unwritten).
  Status result() const { return done() ? result_ : Status::kBusy; }

 private:
  friend class AsyncWriter;
  uint32_t lent_ = 0;
  Status result_ = Status::kOk;
  bool encoded_ = false;
  ImageView view_{};
  PngEncoderBase* png_ = nullptr;
  EncodedImage image_{};
  uint32_t width_ = 0;
  uint32_t height_ = 0;
};

struct AsyncStats {
  uint32_t queued_records = 0;    // values accepted by producers
  uint32_t written_records = 0;   // values the writer took at the drain
  uint32_t dropped_records = 0;   // full ring (any policy) + refused by the writer at the drain
  uint32_t dropped_bytes = 0;     // their slot bytes (wraps at 4 GiB)
  uint32_t rejected_records = 0;  // of dropped_records: refused by the writer (step, tag, size)
  // The drop counters as the drain last logged them: tinytb/dropped_records and
  // tinytb/dropped_bytes hold logged_dropped and logged_bytes at step counter_updates - 1
  // (plain fields the drain alone changes: call stats() from the drain's task, or from
  // another only while no drain runs).
  int64_t counter_updates = 0;
  uint32_t logged_dropped = 0;
  uint32_t logged_bytes = 0;
};

class AsyncWriter {
 public:
  // `values` takes scalars and texts (and everything when `frames` is null); `frames` takes
  // images and loans. Each ring is drained by this writer only. All must outlive it.
  AsyncWriter(EventWriterBase& writer, AsyncRingBase& values, AsyncRingBase* frames = nullptr)
      : writer_(writer), values_(values), frames_(frames != nullptr ? *frames : values) {}
  AsyncWriter(const AsyncWriter&) = delete;
  AsyncWriter& operator=(const AsyncWriter&) = delete;

  // Start taking values; the writer must be open (kNotOpen). kAlreadyOpen when started;
  // kInvalidArgument for kWait without os.sleep_ms; kTooLarge when the values ring's
  // slots cannot hold a scalar with a 16-byte tag.
  Status start(const AsyncOptions& options);

  // Producers: any task; scalar() and text() also from interrupts. kOk: queued.
  // kBusy / kUnsupported: not queued, counted as dropped (see FullPolicy). Not queued and
  // not counted (nothing changed): kNotOpen (not started, or closed), kInvalidArgument
  // (null), kInvalidTag (empty or longer than 255 bytes; the writer checks the rest at the
  // drain), kTooLarge (the value cannot fit a slot of its ring).
  Status scalar(const char* tag, int64_t step, float value);
  template <typename Step, typename Value>
  Status scalar(const char* tag, Step step, Value value) {
    static_assert(detail::scalar_arguments_checked<Step, Value>(), "");
    return scalar(tag, static_cast<int64_t>(step), static_cast<float>(value));
  }
  Status text(const char* tag, int64_t step, const char* markdown);
  // The PNG is encoded by the caller, straight into a slot of the frames ring (png_encoder.h;
  // the encoder is used by this call only). kTooLarge also when the PNG does not fit the slot.
  Status image(const char* tag, int64_t step, const ImageView& view, PngEncoderBase& png);
  // PNG or JPEG bytes copied into a slot (width and height: the file's own).
  Status encoded_image(const char* tag, int64_t step, const EncodedImage& image, uint32_t width, uint32_t height);

  // Frames too big for a slot: only a small record is queued; the drain encodes the view
  // with `png` (or writes the bytes) through the writer, which streams a record larger than
  // its own queue to the sink, then marks the loan done. kBusy when the loan is still lent
  // (nothing queued, not counted) or the ring is full (counted; the loan stays done()).
  Status lend_image(FrameLoan& loan, const char* tag, int64_t step, const ImageView& view, PngEncoderBase& png);
  Status lend_encoded_image(FrameLoan& loan, const char* tag, int64_t step, const EncodedImage& image,
                            uint32_t width, uint32_t height);
  // Wait up to timeout_ms for the loan to be done: kOk, or kBusy when it is not yet.
  // kUnsupported in an interrupt or without os.sleep_ms (poll done() instead).
  Status wait(const FrameLoan& loan, uint32_t timeout_ms);

  // The drain, from one task (or the idle loop, or a timer interrupt that producers may not
  // preempt): write up to max_records queued values in ring order through the writer.
  // Values the writer refuses (kStepNotIncreasing, kInvalidTag, kTooManyTags, kTooLarge,
  // kInvalidArgument) are dropped and counted. On a storage error (kIoError, kNoSpace, ...)
  // the value is kept for the next drain and the error returned. Then the drop counters
  // (when they changed) and writer.poll(). *written (may be null) gets the values written.
  // Errors: kNotOpen (not started, or the writer is closed), kBusy (another drain runs),
  // kUnsupported (in an interrupt), a storage error.
  Status drain(size_t max_records = SIZE_MAX, size_t* written = nullptr);

  // Stop: producers get kNotOpen from now on; wait for producers mid-call, drain the rest,
  // log the counters, close the writer (its Status is returned). A storage error leaves
  // the rest queued and the writer open: call close() again. kUnsupported in an interrupt;
  // kNotOpen when never started or already closed (the writer is left alone).
  Status close();

  bool is_started() const;
  AsyncStats stats() const;

 private:
  Status enter();  // counts a producer in; kNotOpen when not started
  void leave();
  Status claim(AsyncRingBase& ring, size_t bytes, RingSlot* slot);
  // Reads the value's time, then enter() and claim() (leaving again when there is no slot).
  Status take_slot(AsyncRingBase& ring, size_t bytes, RingSlot* slot, WallTime* at);
  // Publishes a filled slot, counts it queued, leave()s and wakes the drain.
  void queue_slot(AsyncRingBase& ring, const RingSlot& slot);
  void count_drop(size_t bytes);
  void drop_taken(const RingSlot& slot);
  Status queue_small(uint8_t kind, const char* tag, int64_t step, float value, const char* text, const void* loan,
                     AsyncRingBase& ring);
  Status queue_loan(FrameLoan& loan, const char* tag, int64_t step);
  Status write_slot(const RingSlot& slot);
  Status drain_rings(size_t max_records, size_t* written);
  Status log_counters();
  bool in_interrupt() const { return options_.os.in_interrupt != nullptr && options_.os.in_interrupt(); }

  EventWriterBase& writer_;
  AsyncRingBase& values_;
  AsyncRingBase& frames_;
  AsyncOptions options_;
  // Producers in a call (low bits) and kClosed: one word, so close() and a producer's entry
  // are ordered by the word's modification order alone.
  uint32_t state_ = kClosed;
  static constexpr uint32_t kClosed = 0x80000000u;
  // Counters (ring_add: atomic on every target).
  uint32_t queued_ = 0;
  uint32_t dropped_ = 0;
  uint32_t dropped_bytes_ = 0;
  // The drain's own (one drain at a time).
  detail::BusyFlag draining_;
  uint32_t written_ = 0;
  uint32_t rejected_ = 0;
  RingSlot held_{};                        // a value a storage error kept for the next drain
  AsyncRingBase* held_ring_ = nullptr;
  bool next_frames_ = false;               // alternate the rings
  bool closing_ = false;                   // close() began and has not finished
  uint32_t logged_dropped_ = 0xFFFFFFFFu;  // counters as last logged (none yet)
  uint32_t logged_bytes_ = 0;
  int64_t counter_step_ = 0;
  uint64_t counter_logged_ms_ = 0;
};

}  // namespace tinytb

#endif  // TINYTB_ASYNC_WRITER_H_
