// tinytb: the flight recorder (include/tinytb/debug/flight_recorder.h).
#include "tinytb/debug/flight_recorder.h"

#include <string.h>

#include "base/decimal.h"
#include "debug/debug_text.h"
#include "summary/image_summary.h"

namespace tinytb {
namespace {

constexpr size_t kMaxSide = 65535;

bool usable_scale(float scale) { return scale > 0.0f && scale <= 3.4028235e38f; }

bool known_type(ValueType t) {
  return t == ValueType::kFloat32 || t == ValueType::kInt8 || t == ValueType::kUint8 || t == ValueType::kInt16 ||
         t == ValueType::kInt32;
}

// The writer's own check (the file's header names its size), so that a kept frame can
// never make a later trigger fail.
bool encoded_as_said(const EncodedImage& image, uint32_t width, uint32_t height) {
  uint32_t w = 0;
  uint32_t h = 0;
  return detail::encoded_image_size(image.data, image.size, &w, &h) && w == width && h == height;
}

// The real value of output i, in float (values.h's rule, evaluated in single precision).
float output_real(const Values& v, size_t i) {
  const Quantization& q = v.quantization;
  int64_t raw = 0;
  switch (v.type) {
    case ValueType::kFloat32: return static_cast<const float*>(v.data)[i];
    case ValueType::kInt8: raw = static_cast<const int8_t*>(v.data)[i]; break;
    case ValueType::kUint8: raw = static_cast<const uint8_t*>(v.data)[i]; break;
    case ValueType::kInt16: raw = static_cast<const int16_t*>(v.data)[i]; break;
    case ValueType::kInt32: raw = static_cast<const int32_t*>(v.data)[i]; break;
  }
  return q.scale * static_cast<float>(raw - q.zero_point);
}

// True when the writer already holds `tag` at `step` or later: a resumed trigger skips it.
bool already_written(const EventWriterBase& writer, const char* tag, int64_t step) {
  int64_t last = 0;
  return writer.last_step(tag, &last) == Status::kOk && last >= step;
}

}  // namespace

Status FlightRecorderBase::set_labels(const char* const* labels, size_t k) {
  if (k == 0 || k > EventWriterBase::kMaxTopK) return Status::kInvalidArgument;
  labels_ = labels;
  top_k_ = k;
  return Status::kOk;
}

// ---- recording ------------------------------------------------------------------------------

Status FlightRecorderBase::check_record(int64_t step, uint32_t width, uint32_t height, const Values& outputs) const {
  if (outputs.count > 0) {
    if (outputs.data == nullptr || !known_type(outputs.type)) return Status::kInvalidArgument;
    if (outputs.type != ValueType::kFloat32 && !usable_scale(outputs.quantization.scale)) {
      return Status::kInvalidArgument;
    }
  }
  if (width == 0 || height == 0) return Status::kInvalidArgument;
  if (recorded_ && step <= last_step_) return Status::kStepNotIncreasing;
  if (outputs.count > max_outputs_ || width > kMaxSide || height > kMaxSide) return Status::kTooLarge;
  return Status::kOk;
}

void FlightRecorderBase::keep(size_t slot, int64_t step, uint32_t bytes, uint32_t width, uint32_t height,
                              const Values& outputs) {
  detail::FlightSlot& s = slots_[slot];
  s.step = step;
  s.wall_time = clock_time(clock_);
  s.bytes = bytes;
  s.width = static_cast<uint16_t>(width);
  s.height = static_cast<uint16_t>(height);
  s.outputs = static_cast<uint16_t>(outputs.count);
  float* row = outputs_ + slot * (max_outputs_ > 0 ? max_outputs_ : 1);
  for (size_t i = 0; i < outputs.count; ++i) row[i] = output_real(outputs, i);
  ++count_;
  last_step_ = step;
  recorded_ = true;
}

Status FlightRecorderBase::record(int64_t step, const ImageView& frame, PngEncoderBase& png, const Values& outputs) {
  if (frame.validate() != Status::kOk) return Status::kInvalidArgument;
  const Status s = check_record(step, frame.output_width(), frame.output_height(), outputs);
  if (s != Status::kOk) return s;
  // Full: the oldest slot is reused. Dropped before encoding, so a failed encode leaves the
  // ring consistent (one frame fewer) instead of a half-written frame in it.
  if (count_ == capacity_) {
    first_ = (first_ + 1) % capacity_;
    --count_;
  }
  const size_t slot = next_slot();
  size_t size = 0;
  const Status e = png.encode(frame, bytes_ + slot * frame_bytes_, frame_bytes_, &size);
  if (e != Status::kOk) return e;
  keep(slot, step, static_cast<uint32_t>(size), frame.output_width(), frame.output_height(), outputs);
  return Status::kOk;
}

Status FlightRecorderBase::record(int64_t step, const EncodedImage& frame, uint32_t width, uint32_t height,
                                  const Values& outputs) {
  if (frame.data == nullptr || frame.size == 0) return Status::kInvalidArgument;
  const Status s = check_record(step, width, height, outputs);
  if (s != Status::kOk) return s;
  if (!encoded_as_said(frame, width, height)) return Status::kInvalidArgument;
  if (frame.size > frame_bytes_) return Status::kTooLarge;
  if (count_ == capacity_) {
    first_ = (first_ + 1) % capacity_;
    --count_;
  }
  const size_t slot = next_slot();
  memcpy(bytes_ + slot * frame_bytes_, frame.data, frame.size);
  keep(slot, step, static_cast<uint32_t>(frame.size), width, height, outputs);
  return Status::kOk;
}

void FlightRecorderBase::clear() {
  first_ = 0;
  count_ = 0;
}

const detail::FlightSlot* FlightRecorderBase::frame(size_t i) const {
  return i < count_ ? &slots_[(first_ + i) % capacity_] : nullptr;
}

// ---- writing --------------------------------------------------------------------------------

Status FlightRecorderBase::write_frame(EventWriterBase& writer, const char* prefix, size_t slot) {
  const detail::FlightSlot& f = slots_[slot];
  detail::TagText tag(prefix, "/", "frame");
  Status s = Status::kOk;
  if (!already_written(writer, tag.c_str(), f.step)) {
    s = writer.encoded_image(tag.c_str(), f.step, EncodedImage{bytes_ + slot * frame_bytes_, f.bytes}, f.width,
                             f.height);
    if (s != Status::kOk) return s;
  }
  if (f.outputs == 0) return Status::kOk;
  const float* row = outputs_ + slot * (max_outputs_ > 0 ? max_outputs_ : 1);
  float best = row[0];
  for (size_t i = 1; i < f.outputs; ++i) {
    if (row[i] > best || best != best) best = row[i];
  }
  tag.set(prefix, "/", "score");
  if (!already_written(writer, tag.c_str(), f.step)) {
    s = writer.scalar(tag.c_str(), f.step, best);
    if (s != Status::kOk) return s;
  }
  tag.set(prefix, "/", "outputs");
  if (!already_written(writer, tag.c_str(), f.step)) {
    const size_t k = top_k_ < f.outputs ? top_k_ : f.outputs;
    s = writer.text_top_k(tag.c_str(), f.step, Values(row, f.outputs), labels_, k);
  }
  return s;
}

// The note, in a function of its own so that its text buffer is on the stack only while the
// note is written, not under every frame's image.
__attribute__((noinline)) Status FlightRecorderBase::write_note(EventWriterBase& writer, const char* prefix,
                                                                const char* reason, const char* note) {
  const int64_t step = recorded_ ? last_step_ : 0;
  detail::TagText tag(prefix, "/", "note");
  if (already_written(writer, tag.c_str(), step)) return Status::kOk;
  char text[detail::kMaxTagPart + kMaxNoteLen + 112];
  detail::TextBuilder t(text, sizeof(text));
  t.add("Trigger **").add(reason).add("** fired at step ").add_int(step).add(".");
  if (note != nullptr && note[0] != '\0') t.add("\n\n").add_cut(note, kMaxNoteLen);  // its own paragraph
  if (count_ > 0) {
    t.add("\n\nFrames before it: ").add_int(static_cast<int64_t>(count_)).add(", steps ");
    t.add_int(slots_[first_].step).add(" to ").add_int(slots_[(first_ + count_ - 1) % capacity_].step).add(".");
  } else {
    t.add("\n\nNo frames were kept.");
  }
  return writer.text(tag.c_str(), step, text);
}

Status FlightRecorderBase::trigger(EventWriterBase& writer, const char* reason, const char* note) {
  if (reason == nullptr) return Status::kInvalidArgument;
  if (!detail::valid_tag_part(reason)) return Status::kInvalidTag;
  char prefix[detail::kMaxTagPart + 8];
  detail::TextBuilder p(prefix, sizeof(prefix));
  p.add("flight/").add(reason);

  // Each frame at its own wall time; the note at the trigger's (the clock's) time.
  Status s = Status::kOk;
  for (size_t i = 0; i < count_ && s == Status::kOk; ++i) {
    const size_t slot = (first_ + i) % capacity_;
    writer.set_value_time(slots_[slot].wall_time);
    s = write_frame(writer, prefix, slot);
  }
  writer.set_value_time(WallTime{});
  if (s == Status::kOk) s = write_note(writer, prefix, reason, note);
  if (s != Status::kOk) return s;
  clear();
  ++triggers_;
  return Status::kOk;
}

// ---- marks from handlers --------------------------------------------------------------------

bool FlightRecorderBase::mark(const char* reason) {
  if (!mark_taken_.try_take()) return false;
  // Only tag-safe characters, so the poll() that writes it cannot fail on the reason.
  const char* r = reason != nullptr && reason[0] != '\0' ? reason : "mark";
  size_t n = 0;
  for (; n < kMaxMarkReasonLen && r[n] != '\0'; ++n) {
    mark_reason_[n] = detail::tag_safe(r[n]);
  }
  mark_reason_[n] = '\0';
  __asm volatile("" ::: "memory");  // the reason is in place before the flag says so
  mark_ready_ = true;
  return true;
}

Status FlightRecorderBase::poll(EventWriterBase& writer) {
  if (!mark_ready_) return Status::kOk;
  const Status s = trigger(writer, mark_reason_, "Marked by a handler.");
  if (s != Status::kOk) return s;
  mark_ready_ = false;
  mark_taken_.release();
  return Status::kOk;
}

}  // namespace tinytb
