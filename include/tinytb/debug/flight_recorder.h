// tinytb: a flight recorder. It keeps the last N frames a model saw, with their steps, wall
// times and the model's outputs, in the caller's memory, and writes nothing until a trigger
// fires; then it writes all of them under tags that name the moment (docs/debugging.md).
//
//   // 8 frames of 96x96 gray, kept as stored PNGs (a raw copy), 12 outputs each:
//   static tinytb::FlightRecorder<8, tinytb::flight_frame_bytes(96, 96, 1), 12> recorder;
//   static tinytb::PngEncoder<96, 96, 1> png;
//   static tinytb::ScoreBelow low{0.6f};
//   recorder.set_clock(writer.clock());                  // once, after writer.open()
//   ...every inference:
//   tinytb::Values scores{out->data.int8, 12, {out->params.scale, out->params.zero_point}};
//   (void)recorder.record(step, view, png, scores);
//   if (low.sample(tinytb::Sample::top1(step, scores))) (void)recorder.trigger(writer, "low_score");
//
// What a trigger writes, for reason R (R must be a valid tag component: [A-Za-z0-9_.-]):
//   flight/R/frame     every kept frame, oldest first, as an image at its own step and at the
//                      wall time record() read (not the time of the trigger);
//   flight/R/score     the highest output of each frame (a scalar), when outputs were recorded;
//   flight/R/outputs   the top-k outputs of each frame as a table (text_top_k), likewise;
//   flight/R/note      a text at the newest frame's step, at the trigger's wall time: which
//                      trigger fired, the caller's note, the steps of the frames written.
// So TensorBoard's Images tab shows "flight/low_score/frame" with a step slider over the
// frames that led up to the moment, and the scalar plot shows the score falling. Each reason
// takes 4 of the writer's tags (2 without outputs).
//
// Memory: everything is inline in the object, sized at compile time: storage_bytes() is
// Frames * (FrameBytes + 4 * Outputs + a slot header of about 40 bytes) plus a few words.
// The recorder keeps no pointer to anything passed to a call, except the labels and the
// clock's functions (set_labels, set_clock), which must stay valid.
//
// Statuses: every call checks its arguments first; on an error nothing was kept or
// written, except where said. A failed trigger keeps the frames, and a trigger called again
// (with the same reason) resumes: what the writer already has (its last_step() for the tag)
// is not written twice. After a trigger that succeeded the frames are forgotten, so the
// next trigger writes only frames recorded after it.
// Threads: one task records and triggers; mark() may be called from an interrupt or a fault
// handler at any time (see there).
#ifndef TINYTB_DEBUG_FLIGHT_RECORDER_H_
#define TINYTB_DEBUG_FLIGHT_RECORDER_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/busy_flag.h"
#include "tinytb/image/image_view.h"
#include "tinytb/png/png_encoder.h"
#include "tinytb/status.h"
#include "tinytb/values.h"
#include "tinytb/writer/clock.h"
#include "tinytb/writer/event_writer.h"

namespace tinytb {

// Bytes a slot needs to keep any width x height frame of `channels` (1, 3 or 4) output
// channels encoded by any PngEncoder mode: the stored PNG's size, which a compressed PNG
// never exceeds (png_encoder.h). A compressed-mode recorder may use less and rely on the
// compression: a frame that does not fit is then kTooLarge.
constexpr size_t flight_frame_bytes(size_t width, size_t height, size_t channels) {
  return png_max_bytes(width, height, channels);
}

namespace detail {
// One kept frame's facts; its bytes and outputs live in the derived class's arrays.
struct FlightSlot {
  int64_t step;
  WallTime wall_time;
  uint32_t bytes;    // encoded image bytes in the slot (PNG or JPEG)
  uint16_t width;
  uint16_t height;
  uint16_t outputs;  // outputs kept (0: none)
};
}  // namespace detail

// The size-erased recorder. Use FlightRecorder<...> to get one with storage.
class FlightRecorderBase {
 public:
  // The longest reason mark() keeps (longer ones are cut).
  static constexpr size_t kMaxMarkReasonLen = 23;
  // The longest caller note a trigger's text keeps (longer ones are cut).
  static constexpr size_t kMaxNoteLen = 120;
  // Top-k rows of the outputs table by default.
  static constexpr size_t kDefaultTopK = 3;

  FlightRecorderBase(const FlightRecorderBase&) = delete;
  FlightRecorderBase& operator=(const FlightRecorderBase&) = delete;

  // Where record() reads each frame's wall time: the writer's clock (writer.clock()) so that
  // the frames line up with everything else. Its wall_time when known, else its uptime_ms
  // as seconds since boot (what the writer itself writes then), else none: the frame is
  // then written at the trigger's wall time.
  void set_clock(const Clock& clock) { clock_ = clock; }
  // Labels of the outputs for the outputs table (BORROWED: keep them valid), and how many
  // rows it shows (1..EventWriterBase::kMaxTopK). kInvalidArgument for k out of range.
  Status set_labels(const char* const* labels, size_t k = kDefaultTopK);

  // Keep `frame`, encoded by `png` (a kStored encoder keeps a raw copy; kCompressed keeps
  // it compressed), with `outputs` (may be empty: Values{}) at `step`, replacing the oldest
  // frame once all slots are full. The wall time is read now.
  // Errors: kInvalidArgument (bad view, outputs with null data or a bad scale),
  // kStepNotIncreasing (step not above the last recorded step), kTooLarge (more outputs
  // than the recorder keeps, a frame side above 65535, or the PNG does not fit a slot),
  // the encoder's kBusy. An encoder failure (kTooLarge, kBusy) happens while the PNG is
  // written into the oldest slot: that frame is then lost (the others are kept).
  Status record(int64_t step, const ImageView& frame, PngEncoderBase& png, const Values& outputs);
  // Keep already encoded bytes (a PNG, or a camera's JPEG), copied, with their size.
  // Errors: kInvalidArgument (null, empty, not a PNG or JPEG whose header gives this width
  // and height: the writer's own check, so a kept frame cannot make a trigger fail),
  // kStepNotIncreasing, kTooLarge (bytes beyond a slot, too many outputs). Nothing is lost.
  Status record(int64_t step, const EncodedImage& frame, uint32_t width, uint32_t height, const Values& outputs);

  // Write every kept frame (see the top of this file) under "flight/<reason>/", then forget
  // them. `note` (may be null) is added to the text note. The values go to the writer's
  // queue; flush or sync the writer when the moment must survive a power cut.
  // Errors: kInvalidArgument (null reason), kInvalidTag (reason not 1..48 of [A-Za-z0-9_.-]),
  // and any of the writer's errors (kTooManyTags, kTooLarge, a sink error): the frames are
  // then kept, and a later trigger with the same reason resumes.
  Status trigger(EventWriterBase& writer, const char* reason, const char* note = nullptr);

  // For a fault handler or an interrupt: remember that `reason` fired; poll() writes it.
  // Bounded work (copies at most kMaxMarkReasonLen bytes), no allocation, no writer, no
  // lock that can block: safe in a HardFault handler, an assert hook or a watchdog's early
  // warning interrupt. One mark at a time: a mark while one is pending is dropped (false).
  // A fault that never returns (a reset follows) loses the RAM and with it the frames;
  // docs/debugging.md says what a handler that can still return should do.
  bool mark(const char* reason);
  bool marked() const { return mark_ready_; }
  // From the main loop: when a mark is pending, trigger(writer, <its reason>, "marked by
  // a handler") and clear the mark on success. kOk with nothing pending.
  Status poll(EventWriterBase& writer);

  // Forget every kept frame (recorded steps still must increase).
  void clear();
  size_t frames() const { return count_; }
  size_t capacity() const { return capacity_; }
  size_t frame_capacity_bytes() const { return frame_bytes_; }
  size_t outputs_capacity() const { return max_outputs_; }
  // The frame i (0 = oldest kept) or null for i >= frames().
  const detail::FlightSlot* frame(size_t i) const;
  // Triggers that wrote successfully so far.
  uint32_t triggers() const { return triggers_; }

 protected:
  FlightRecorderBase(detail::FlightSlot* slots, uint8_t* bytes, float* outputs, size_t capacity, size_t frame_bytes,
                     size_t max_outputs)
      : slots_(slots), bytes_(bytes), outputs_(outputs), capacity_(capacity), frame_bytes_(frame_bytes),
        max_outputs_(max_outputs) {}
  ~FlightRecorderBase() = default;

 private:
  Status check_record(int64_t step, uint32_t width, uint32_t height, const Values& outputs) const;
  size_t next_slot() const { return (first_ + count_) % capacity_; }
  void keep(size_t slot, int64_t step, uint32_t bytes, uint32_t width, uint32_t height, const Values& outputs);
  Status write_frame(EventWriterBase& writer, const char* prefix, size_t slot);
  Status write_note(EventWriterBase& writer, const char* prefix, const char* reason, const char* note);

  // Storage (owned by the derived FlightRecorder).
  detail::FlightSlot* const slots_;
  uint8_t* const bytes_;   // capacity rows of frame_bytes
  float* const outputs_;   // capacity rows of max_outputs (one float when max_outputs is 0)
  const size_t capacity_;
  const size_t frame_bytes_;
  const size_t max_outputs_;

  Clock clock_;
  const char* const* labels_ = nullptr;
  size_t top_k_ = kDefaultTopK;
  size_t first_ = 0;  // the oldest kept frame's slot
  size_t count_ = 0;
  bool recorded_ = false;
  int64_t last_step_ = 0;
  uint32_t triggers_ = 0;
  // mark(): the flag is taken first, then the reason copied, then ready set, so poll() never
  // reads a reason being written.
  detail::BusyFlag mark_taken_;
  volatile bool mark_ready_ = false;
  char mark_reason_[kMaxMarkReasonLen + 1] = {};
};

// A recorder with its storage inline:
//   Frames:      frames kept (the last Frames recorded), 1..65535;
//   FrameBytes:  the largest encoded frame (flight_frame_bytes() for a stored PNG);
//   Outputs:     model outputs kept per frame (0: none).
template <size_t Frames, size_t FrameBytes, size_t Outputs = 0>
class FlightRecorder : public FlightRecorderBase {
  static_assert(Frames >= 1 && Frames <= 65535, "Frames must be 1..65535");
  static_assert(FrameBytes >= 1 && FrameBytes <= 0xFFFFFFFFu, "FrameBytes must be 1..2^32-1");
  static_assert(Outputs <= 65535, "Outputs must be 0..65535");

 public:
  static constexpr size_t kFrames = Frames;
  static constexpr size_t kFrameBytes = FrameBytes;
  static constexpr size_t kOutputs = Outputs;
  // Bytes of RAM this configuration takes (usable in static_assert).
  static constexpr size_t storage_bytes() { return sizeof(FlightRecorder); }

  FlightRecorder() : FlightRecorderBase(slots_, &bytes_[0][0], &outputs_[0][0], Frames, FrameBytes, Outputs) {}

 private:
  detail::FlightSlot slots_[Frames];
  uint8_t bytes_[Frames][FrameBytes];
  float outputs_[Frames][Outputs > 0 ? Outputs : 1];
};

}  // namespace tinytb

#endif  // TINYTB_DEBUG_FLIGHT_RECORDER_H_
