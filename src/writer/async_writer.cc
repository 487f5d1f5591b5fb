// The asynchronous layer over EventWriterBase (include/tinytb/writer/async_writer.h,
// docs/async.md). Producers and the drain meet only in the rings (async_ring.h) and in a few
// words changed with ring_add / ring_store; the writer itself is touched by the drain only.
#include "tinytb/writer/async_writer.h"

#include <string.h>

namespace tinytb {
namespace {

enum Kind : uint8_t { kVoid = 0, kScalar = 1, kText = 2, kPng = 3, kLoan = 4 };

// The start of every slot. `bytes` is what the slot holds (header, tag and payload): what a
// drop of it counts.
struct Head {
  uint32_t bytes;
  uint8_t kind;
  uint8_t tag_len;
  uint16_t reserved;
  int64_t step;
  int64_t at_seconds;
  uint32_t at_nanos;
  float value;
  uint32_t width;
  uint32_t height;
  uint32_t payload;  // bytes after the tag's NUL
  uint32_t reserved2;
  uint64_t loan;  // FrameLoan* for kLoan
};
static_assert(sizeof(Head) <= kAsyncHeaderBytes, "kAsyncHeaderBytes must hold the slot header");

constexpr size_t kMaxAsyncTag = 255;

// Length of a tag, or 0 when null, empty or longer than kMaxAsyncTag (the writer checks
// the characters at the drain).
size_t tag_length(const char* tag) {
  if (tag == nullptr) return 0;
  size_t n = 0;
  while (n <= kMaxAsyncTag && tag[n] != '\0') ++n;
  return n > kMaxAsyncTag ? 0 : n;
}

Head read_head(const uint8_t* slot) {
  Head h;
  memcpy(&h, slot, sizeof(h));
  return h;
}

const char* slot_tag(const uint8_t* slot) { return reinterpret_cast<const char*>(slot + kAsyncHeaderBytes); }
const uint8_t* slot_payload(const uint8_t* slot, const Head& h) { return slot + kAsyncHeaderBytes + h.tag_len + 1u; }

Head make_head(uint8_t kind, size_t tag_len, int64_t step, WallTime at) {
  Head h;
  memset(&h, 0, sizeof(h));
  h.kind = kind;
  h.tag_len = static_cast<uint8_t>(tag_len);
  h.step = step;
  h.at_seconds = at.seconds;
  h.at_nanos = at.nanos;
  h.bytes = static_cast<uint32_t>(async_record_bytes(tag_len, 0));
  return h;
}

void put_head_and_tag(uint8_t* slot, const Head& h, const char* tag) {
  memcpy(slot, &h, sizeof(h));
  memcpy(slot + kAsyncHeaderBytes, tag, h.tag_len);
  slot[kAsyncHeaderBytes + h.tag_len] = 0;
}

// A storage failure: the writer changed nothing and may take the value later.
bool retryable(Status s) {
  switch (s) {
    case Status::kIoError:
    case Status::kNoSpace:
    case Status::kExists:
    case Status::kNotOpen:
    case Status::kAlreadyOpen:
    case Status::kUnsupported:
    case Status::kDataLost:
      return true;
    default:
      return false;
  }
}

uint32_t be32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | p[3];
}

void finish_loan(Status s, uint32_t* lent, Status* result) {
  *result = s;
  detail::ring_store(lent, 0);
}

}  // namespace

// ---- state --------------------------------------------------------------------------------

Status AsyncWriter::start(const AsyncOptions& options) {
  if (in_interrupt()) return Status::kUnsupported;
  if (!writer_.is_open()) return Status::kNotOpen;
  if ((detail::ring_load(&state_) & kClosed) == 0) return Status::kAlreadyOpen;
  if (options.policy != FullPolicy::kDropNew && options.policy != FullPolicy::kDropOldest &&
      options.policy != FullPolicy::kWait) {
    return Status::kInvalidArgument;
  }
  if (options.policy == FullPolicy::kWait && options.os.sleep_ms == nullptr) return Status::kInvalidArgument;
  if (values_.slot_bytes() < async_scalar_bytes(16)) return Status::kTooLarge;
  options_ = options;
  logged_dropped_ = 0xFFFFFFFFu;  // the first drain logs the counters, zeros included
  // Open the gate; producers racing in see either closed (and leave) or open.
  for (;;) {
    const uint32_t old = detail::ring_load(&state_);
    if (detail::ring_cas(&state_, old, old & ~kClosed)) return Status::kOk;
  }
}

bool AsyncWriter::is_started() const { return (detail::ring_load(&state_) & kClosed) == 0; }

Status AsyncWriter::enter() {
  const uint32_t old = detail::ring_add(&state_, 1);
  if ((old & kClosed) != 0) {
    leave();
    return Status::kNotOpen;
  }
  return Status::kOk;
}

void AsyncWriter::leave() { (void)detail::ring_add(&state_, 0xFFFFFFFFu); }

Status AsyncWriter::take_slot(AsyncRingBase& ring, size_t bytes, RingSlot* slot, WallTime* at) {
  *at = clock_time(writer_.clock());  // before any wait for room: the value's own moment
  Status s = enter();
  if (s != Status::kOk) return s;
  s = claim(ring, bytes, slot);
  if (s != Status::kOk) leave();
  return s;
}

void AsyncWriter::queue_slot(AsyncRingBase& ring, const RingSlot& slot) {
  ring.publish(slot);
  (void)detail::ring_add(&queued_, 1);
  leave();
  if (options_.os.wake_drain != nullptr) options_.os.wake_drain();
}

AsyncStats AsyncWriter::stats() const {
  AsyncStats s;
  s.queued_records = detail::ring_load(&queued_);
  s.written_records = detail::ring_load(&written_);
  s.dropped_records = detail::ring_load(&dropped_);
  s.dropped_bytes = detail::ring_load(&dropped_bytes_);
  s.rejected_records = detail::ring_load(&rejected_);
  s.counter_updates = counter_step_;
  s.logged_dropped = logged_dropped_ == 0xFFFFFFFFu ? 0 : logged_dropped_;
  s.logged_bytes = logged_bytes_;
  return s;
}

void AsyncWriter::count_drop(size_t bytes) {
  (void)detail::ring_add(&dropped_, 1);
  (void)detail::ring_add(&dropped_bytes_, static_cast<uint32_t>(bytes));
}

// A published slot taken off the ring unwritten (kDropOldest): count it, give a loan back.
void AsyncWriter::drop_taken(const RingSlot& slot) {
  const Head h = read_head(slot.data);
  if (h.kind == kVoid) return;
  if (h.kind == kLoan) {
    FrameLoan* loan = reinterpret_cast<FrameLoan*>(static_cast<uintptr_t>(h.loan));
    finish_loan(Status::kBusy, &loan->lent_, &loan->result_);
  }
  count_drop(h.bytes);
}

// ---- producers ------------------------------------------------------------------------------

Status AsyncWriter::claim(AsyncRingBase& ring, size_t bytes, RingSlot* out) {
  uint64_t started = 0;
  uint32_t slept = 0;
  if (options_.policy == FullPolicy::kWait && options_.os.uptime_ms != nullptr) started = options_.os.uptime_ms();
  for (;;) {
    const RingSlot s = ring.try_claim();
    if (s.data != nullptr) {
      *out = s;
      return Status::kOk;
    }
    if (options_.policy == FullPolicy::kDropOldest) {
      const RingSlot old = ring.try_take();
      if (old.data != nullptr) {
        drop_taken(old);
        ring.release(old);
        continue;
      }
    } else if (options_.policy == FullPolicy::kWait) {
      if (in_interrupt() || options_.os.sleep_ms == nullptr) {
        count_drop(bytes);
        return Status::kUnsupported;
      }
      const uint64_t waited = options_.os.uptime_ms != nullptr ? options_.os.uptime_ms() - started : slept;
      if (waited < options_.wait_ms) {
        options_.os.sleep_ms(1);
        ++slept;
        continue;
      }
    }
    count_drop(bytes);
    return Status::kBusy;
  }
}

Status AsyncWriter::queue_small(uint8_t kind, const char* tag, int64_t step, float value, const char* text,
                                const void* loan, AsyncRingBase& ring) {
  const size_t tag_len = tag_length(tag);
  if (tag_len == 0) return Status::kInvalidTag;
  size_t text_bytes = 0;
  if (kind == kText) {
    if (text == nullptr) return Status::kInvalidArgument;
    text_bytes = strlen(text) + 1;
  }
  const size_t bytes = async_record_bytes(tag_len, text_bytes);
  if (bytes > ring.slot_bytes()) return Status::kTooLarge;
  RingSlot slot;
  WallTime at;
  const Status s = take_slot(ring, bytes, &slot, &at);
  if (s != Status::kOk) return s;
  Head h = make_head(kind, tag_len, step, at);
  h.value = value;
  h.payload = static_cast<uint32_t>(text_bytes);
  h.bytes = static_cast<uint32_t>(bytes);
  h.loan = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(loan));
  put_head_and_tag(slot.data, h, tag);
  if (text_bytes != 0) memcpy(slot.data + kAsyncHeaderBytes + tag_len + 1, text, text_bytes);
  queue_slot(ring, slot);
  return Status::kOk;
}

Status AsyncWriter::scalar(const char* tag, int64_t step, float value) {
  return queue_small(kScalar, tag, step, value, nullptr, nullptr, values_);
}

Status AsyncWriter::text(const char* tag, int64_t step, const char* markdown) {
  return queue_small(kText, tag, step, 0.0f, markdown, nullptr, values_);
}

Status AsyncWriter::image(const char* tag, int64_t step, const ImageView& view, PngEncoderBase& png) {
  const size_t tag_len = tag_length(tag);
  if (tag_len == 0) return Status::kInvalidTag;
  const size_t head_bytes = async_record_bytes(tag_len, 0);
  // The smallest PNG (signature, IHDR, an IDAT, IEND) is 57 bytes.
  if (head_bytes + 64 > frames_.slot_bytes()) return Status::kTooLarge;
  RingSlot slot;
  WallTime at;
  // A frame dropped before it was encoded counts a whole slot.
  Status s = take_slot(frames_, frames_.slot_bytes(), &slot, &at);
  if (s != Status::kOk) return s;
  Head h = make_head(kPng, tag_len, step, at);
  size_t size = 0;
  uint8_t* out = slot.data + head_bytes;
  s = png.encode(view, out, frames_.slot_bytes() - head_bytes, &size);
  if (s == Status::kOk && size < 24) s = Status::kEncodeError;
  if (s != Status::kOk) {
    // The slot is claimed and must be published: as a hole the drain skips.
    h.kind = kVoid;
    put_head_and_tag(slot.data, h, tag);
    frames_.publish(slot);
    leave();
    return s;
  }
  h.width = be32(out + 16);  // IHDR: the output size after crop and scaling
  h.height = be32(out + 20);
  h.payload = static_cast<uint32_t>(size);
  h.bytes = static_cast<uint32_t>(head_bytes + size);
  put_head_and_tag(slot.data, h, tag);
  queue_slot(frames_, slot);
  return Status::kOk;
}

Status AsyncWriter::encoded_image(const char* tag, int64_t step, const EncodedImage& image, uint32_t width,
                                  uint32_t height) {
  const size_t tag_len = tag_length(tag);
  if (tag_len == 0) return Status::kInvalidTag;
  if (image.data == nullptr || image.size == 0 || width == 0 || height == 0) return Status::kInvalidArgument;
  const size_t bytes = async_record_bytes(tag_len, image.size);
  if (bytes > frames_.slot_bytes()) return Status::kTooLarge;
  RingSlot slot;
  WallTime at;
  const Status s = take_slot(frames_, bytes, &slot, &at);
  if (s != Status::kOk) return s;
  Head h = make_head(kPng, tag_len, step, at);
  h.width = width;
  h.height = height;
  h.payload = static_cast<uint32_t>(image.size);
  h.bytes = static_cast<uint32_t>(bytes);
  put_head_and_tag(slot.data, h, tag);
  memcpy(slot.data + kAsyncHeaderBytes + tag_len + 1, image.data, image.size);
  queue_slot(frames_, slot);
  return Status::kOk;
}

// The loan is lent (kBusy) from before it is queued, so the drain may return it at once.
Status AsyncWriter::queue_loan(FrameLoan& loan, const char* tag, int64_t step) {
  loan.result_ = Status::kBusy;
  detail::ring_store(&loan.lent_, 1);
  const Status s = queue_small(kLoan, tag, step, 0.0f, nullptr, &loan, frames_);
  if (s != Status::kOk) finish_loan(s, &loan.lent_, &loan.result_);
  return s;
}

Status AsyncWriter::lend_image(FrameLoan& loan, const char* tag, int64_t step, const ImageView& view,
                               PngEncoderBase& png) {
  if (!loan.done()) return Status::kBusy;
  loan.encoded_ = false;
  loan.view_ = view;
  loan.png_ = &png;
  return queue_loan(loan, tag, step);
}

Status AsyncWriter::lend_encoded_image(FrameLoan& loan, const char* tag, int64_t step, const EncodedImage& image,
                                       uint32_t width, uint32_t height) {
  if (!loan.done()) return Status::kBusy;
  if (image.data == nullptr || image.size == 0) return Status::kInvalidArgument;
  loan.encoded_ = true;
  loan.image_ = image;
  loan.width_ = width;
  loan.height_ = height;
  loan.png_ = nullptr;
  return queue_loan(loan, tag, step);
}

Status AsyncWriter::wait(const FrameLoan& loan, uint32_t timeout_ms) {
  if (in_interrupt()) return Status::kUnsupported;
  if (loan.done()) return Status::kOk;
  if (options_.os.sleep_ms == nullptr) return Status::kUnsupported;
  const uint64_t started = options_.os.uptime_ms != nullptr ? options_.os.uptime_ms() : 0;
  uint32_t slept = 0;
  for (;;) {
    if (loan.done()) return Status::kOk;
    const uint64_t waited = options_.os.uptime_ms != nullptr ? options_.os.uptime_ms() - started : slept;
    if (waited >= timeout_ms) return Status::kBusy;
    options_.os.sleep_ms(1);
    ++slept;
  }
}

// ---- the drain ------------------------------------------------------------------------------

Status AsyncWriter::write_slot(const RingSlot& slot) {
  const Head h = read_head(slot.data);
  const char* tag = slot_tag(slot.data);
  writer_.set_value_time(WallTime{h.at_seconds, h.at_nanos});
  Status s = Status::kOk;
  switch (h.kind) {
    case kScalar:
      s = writer_.scalar(tag, h.step, h.value);
      break;
    case kText:
      s = writer_.text(tag, h.step, reinterpret_cast<const char*>(slot_payload(slot.data, h)));
      break;
    case kPng: {
      EncodedImage image;
      image.data = slot_payload(slot.data, h);
      image.size = h.payload;
      s = writer_.encoded_image(tag, h.step, image, h.width, h.height);
      break;
    }
    case kLoan: {
      FrameLoan* loan = reinterpret_cast<FrameLoan*>(static_cast<uintptr_t>(h.loan));
      if (loan->encoded_) {
        s = writer_.encoded_image(tag, h.step, loan->image_, loan->width_, loan->height_);
      } else {
        s = writer_.image(tag, h.step, loan->view_, *loan->png_);
      }
      if (!retryable(s)) finish_loan(s, &loan->lent_, &loan->result_);
      break;
    }
    default:
      break;
  }
  writer_.set_value_time(WallTime{});
  return s;
}

Status AsyncWriter::log_counters() {
  const uint32_t dropped = detail::ring_load(&dropped_);
  const uint32_t bytes = detail::ring_load(&dropped_bytes_);
  if (dropped == logged_dropped_ && bytes == logged_bytes_) return Status::kOk;
  const Status a = writer_.scalar("tinytb/dropped_records", counter_step_, static_cast<float>(dropped));
  if (retryable(a)) return a;
  const Status b = writer_.scalar("tinytb/dropped_bytes", counter_step_, static_cast<float>(bytes));
  ++counter_step_;
  if (retryable(b)) return b;
  logged_dropped_ = dropped;
  logged_bytes_ = bytes;
  return Status::kOk;
}

// Write up to max_records values, alternating the rings; a value a storage error refused is
// held (its slot stays taken) and goes first next time. The caller holds draining_.
Status AsyncWriter::drain_rings(size_t max_records, size_t* written) {
  size_t n = 0;
  Status result = Status::kOk;
  while (n < max_records) {
    RingSlot slot;
    AsyncRingBase* ring = nullptr;
    if (held_.data != nullptr) {
      slot = held_;
      ring = held_ring_;
      held_ = RingSlot{};
    } else {
      AsyncRingBase& first = next_frames_ ? frames_ : values_;
      AsyncRingBase& second = next_frames_ ? values_ : frames_;
      next_frames_ = !next_frames_;
      slot = first.try_take();
      ring = &first;
      if (slot.data == nullptr && &second != &first) {
        slot = second.try_take();
        ring = &second;
      }
      if (slot.data == nullptr) break;
    }
    const Head h = read_head(slot.data);
    const Status s = write_slot(slot);
    if (retryable(s)) {
      held_ = slot;
      held_ring_ = ring;
      result = s;
      break;
    }
    ring->release(slot);
    if (h.kind == kVoid) continue;
    if (s == Status::kOk) {
      ++n;
      (void)detail::ring_add(&written_, 1);
    } else {
      (void)detail::ring_add(&rejected_, 1);
      count_drop(h.bytes);
    }
  }
  if (written != nullptr) *written = n;
  return result;
}

Status AsyncWriter::drain(size_t max_records, size_t* written) {
  if (written != nullptr) *written = 0;
  if (in_interrupt()) return Status::kUnsupported;
  if (!is_started() || !writer_.is_open()) return Status::kNotOpen;
  if (!draining_.try_take()) return Status::kBusy;
  Status result = drain_rings(max_records, written);
  if (result == Status::kOk && options_.log_drop_counters) {
    bool due = true;
    if (options_.os.uptime_ms != nullptr && logged_dropped_ != 0xFFFFFFFFu) {
      const uint64_t now = options_.os.uptime_ms();
      due = now - counter_logged_ms_ >= options_.counter_every_ms;
      if (due) counter_logged_ms_ = now;
    }
    if (due) result = log_counters();
  }
  if (result == Status::kOk) result = writer_.poll();
  // A flush inside a logging call that failed keeps its records queued in the writer and
  // the call returns kOk: the storage task still needs to hear of it.
  if (result == Status::kOk) result = writer_.last_flush_status();
  draining_.release();
  return result;
}

Status AsyncWriter::close() {
  if (in_interrupt()) return Status::kUnsupported;
  // Shut the gate; producers already in finish their call. Closed and not mid-close: there
  // is nothing to finish (never started, or closed already).
  for (;;) {
    const uint32_t old = detail::ring_load(&state_);
    if ((old & kClosed) != 0) {
      if (!closing_) return Status::kNotOpen;
      break;
    }
    if (detail::ring_cas(&state_, old, old | kClosed)) {
      closing_ = true;
      break;
    }
  }
  if (!draining_.try_take()) return Status::kBusy;
  // Drain while producers are mid-call (a waiting one needs the room), then once more: with
  // none left, every claimed slot is published and the rings empty out.
  Status s = Status::kOk;
  for (;;) {
    const bool producers = (detail::ring_load(&state_) & ~kClosed) != 0;
    s = drain_rings(SIZE_MAX, nullptr);
    if (s != Status::kOk) {
      draining_.release();
      return s;
    }
    if (!producers) break;
    if (options_.os.sleep_ms != nullptr) options_.os.sleep_ms(1);
  }
  if (options_.log_drop_counters && writer_.is_open()) {
    logged_dropped_ = 0xFFFFFFFFu;  // the last values, at the last step, whatever changed
    s = log_counters();
    if (s != Status::kOk) {
      draining_.release();
      return s;
    }
  }
  s = writer_.is_open() ? writer_.close() : Status::kOk;
  if (s == Status::kOk || s == Status::kDataLost) closing_ = false;  // the writer is closed either way
  draining_.release();
  return s;
}

}  // namespace tinytb
