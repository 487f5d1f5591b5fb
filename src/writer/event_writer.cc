// tinytb: the event writer: tags, steps, time, the record queue and the flush policy.
#include "tinytb/writer/event_writer.h"

#include <string.h>

#include "base/decimal.h"
#include "format/event.h"
#include "format/names.h"
#include "summary/summary.h"
#include "tinytb/format/record.h"
#include "writer/writer_summary.h"

namespace tinytb {

using detail::TagRef;
using detail::TagSlot;

namespace {

// Tries before open() gives up on finding a free file name.
constexpr uint32_t kMaxNameTries = 1000;

// Join "prefix/name" into out (capacity max_len + 1) and check its length. Whether it is
// clean UTF-8 is checked only for a tag the table does not hold yet (new_tag_ok()): every
// tag in the table passed that check when it entered, so a known tag needs no second
// look on every value logged.
Status join_tag(TagRef tag, char* out, size_t max_len, size_t* len) {
  if (tag.name == nullptr) return Status::kInvalidArgument;
  size_t pos = 0;
  if (tag.prefix != nullptr && tag.prefix[0] != '\0') {
    const size_t p = detail::bounded_length(tag.prefix, max_len);
    if (p + 1 > max_len) return Status::kInvalidTag;
    memcpy(out, tag.prefix, p);
    out[p] = '/';
    pos = p + 1;
  }
  const size_t n = detail::bounded_length(tag.name, max_len);
  if (n == 0 || pos + n > max_len) return Status::kInvalidTag;
  memcpy(out + pos, tag.name, n);
  pos += n;
  out[pos] = '\0';
  *len = pos;
  return Status::kOk;
}

bool new_tag_ok(const char* tag, size_t len) { return detail::is_clean_utf8(tag, len); }


}  // namespace

// ---- construction and options ----------------------------------------------------------

EventWriterBase::EventWriterBase(uint8_t* queue, size_t queue_bytes, TagSlot* slots, char* names, size_t max_tags,
                                 size_t max_tag_len, const char* /*config: only its link matters*/)
    : queue_(queue),
      queue_cap_(queue_bytes),
      slots_(slots),
      names_(names),
      max_tags_(max_tags),
      max_tag_len_(max_tag_len) {}

Status EventWriterBase::open(Sink& sink, const WriterOptions& options) {
  if (is_open()) return Status::kAlreadyOpen;
  if (options.logdir == nullptr || options.run == nullptr || options.host == nullptr || options.suffix == nullptr) {
    return Status::kInvalidArgument;
  }
  if (!detail::is_name_token(options.host, TINYTB_MAX_HOST_LEN, false) ||
      !detail::is_name_token(options.suffix, TINYTB_MAX_SUFFIX_LEN, true)) {
    return Status::kInvalidArgument;
  }
  const bool form_built = (options.form == SummaryForm::kClassic && (TINYTB_SUMMARY_FORMS & 1) != 0) ||
                          (options.form == SummaryForm::kTensor && (TINYTB_SUMMARY_FORMS & 2) != 0);
  if (!form_built) return Status::kInvalidArgument;
  // A fresh file must take a full queue, or rotation could never make room.
  if (options.rotate_bytes != 0 && options.rotate_bytes < file_version_record_bytes() + queue_cap_) {
    return Status::kInvalidArgument;
  }
  const size_t logdir_len = detail::bounded_length(options.logdir, TINYTB_MAX_DIR_LEN);
  const size_t run_len = detail::bounded_length(options.run, TINYTB_MAX_DIR_LEN);
  if (logdir_len == 0 || logdir_len > TINYTB_MAX_DIR_LEN || run_len > TINYTB_MAX_DIR_LEN ||
      !detail::is_clean_utf8(options.logdir, logdir_len) || !detail::is_run_path(options.run)) {
    return Status::kInvalidArgument;
  }
  char dir[sizeof(dir_)];
  size_t pos = 0;
  bool fits = detail::append_text(dir, sizeof(dir), &pos, options.logdir);
  if (run_len > 0) {
    fits = fits && detail::append_text(dir, sizeof(dir), &pos, "/") &&
           detail::append_text(dir, sizeof(dir), &pos, options.run);
  }
  if (!fits) return Status::kInvalidArgument;

  // Steps are per run: reopening the same directory keeps them, another one starts afresh.
  // (memcmp of the new path and its NUL, not strcmp: newlib's strcmp alone is 0.7 KB of flash.)
  if (memcmp(dir, dir_, pos + 1) != 0) {
    tag_count_ = 0;
    memcpy(dir_, dir, pos + 1);
  }
  memcpy(host_, options.host, strlen(options.host) + 1);
  memcpy(suffix_, options.suffix, strlen(options.suffix) + 1);
  clock_ = options.clock;
  queue_limit_ = options.max_queue - 1u;  // 0 (no count) wraps to UINT32_MAX
  flush_millis_ = options.flush_millis;
  sync_every_ = options.sync_every;
  rotate_bytes_ = options.rotate_bytes;
  file_stamp_ = options.file_stamp;
  form_ = options.form;
  queued_bytes_ = 0;
  queued_records_ = 0;
  queued_metadata_ = false;
  last_flush_status_ = Status::kOk;
#if !TINYTB_SMALL_TARGET
  timer_budget_ = 0;  // no timer hint for these options yet
  timer_hint_ms_ = 0;
  tag_guess_ = 0;
#endif

  sink_ = &sink;
  const Status s = open_file();
  if (s != Status::kOk) sink_ = nullptr;
  return s;
}

// ---- files, flush, sync, rotation -------------------------------------------------------

Status EventWriterBase::open_file() {
  uint32_t stamp = file_stamp_;
  if (clock_.wall_time != nullptr) {
    const WallTime t = clock_.wall_time();
    if (wall_time_known(t)) stamp = t.seconds >= 0xFFFFFFFF ? 0xFFFFFFFFu : static_cast<uint32_t>(t.seconds);
  }
  // The port chooses the name's form (Sink::name_file); the writer only ever asks for
  // a fresh one, so an existing file is skipped, never opened.
  Status s = Status::kExists;
  for (uint32_t tries = 0; tries < kMaxNameTries && s == Status::kExists; ++tries) {
    if (name_seq_ > kMaxFileSequence) {
      s = Status::kInvalidArgument;  // no name left that would sort after the last one
      break;
    }
    const FileNameParts parts{stamp, name_seq_, host_, suffix_};
    s = sink_->name_file(parts, file_name_, sizeof(file_name_));
    if (s != Status::kOk) break;
    ++name_seq_;
    s = sink_->open(dir_, file_name_);
  }
  if (s != Status::kOk) {
    file_name_[0] = '\0';
    return s;
  }
  ++file_serial_;
  file_open_ = true;
  file_bytes_ = 0;
  synced_bytes_ = 0;
  unsynced_flushes_ = 0;
  unsynced_records_ = 0;
  poisoned_ = false;
  abandoned_ = true;  // until the first record is in and synced

  // The first record: file_version, written and synced at once so the file is valid.
  uint8_t record[file_version_record_bytes()];
  detail::EventSpec event;
  event.wall_time_bits = wall_time_bits(wall_time());
  size_t payload = 0;
  if (!detail::event_size(event, &payload) || payload + kRecordOverheadBytes > sizeof(record) ||
      !detail::encode_event(event, record + kRecordHeaderBytes, payload)) {
    (void)sink_->close();
    file_open_ = false;
    return Status::kEncodeError;
  }
  frame_record(record, payload);
  s = sink_->write(record, payload + kRecordOverheadBytes);
  if (s == Status::kOk) s = sink_->sync();
  if (s != Status::kOk) {
    (void)sink_->close();  // left as it is: at worst an empty file or one torn record
    file_open_ = false;
    return s;
  }
  file_bytes_ = payload + kRecordOverheadBytes;
  synced_bytes_ = file_bytes_;
  unsynced_ = false;
  abandoned_ = false;
  uint64_t now = 0;
  if (now_ms(&now)) last_flush_ms_ = now;
  return Status::kOk;
}

// A sync of the open file failed. Whatever it had not confirmed is gone or unknown:
// Linux drops the dirty pages of a failed fsync and its next fsync says success, FatFs
// aborts the file. The records earlier flushes wrote there have left the queue, so they
// cannot be written again: they are counted lost, and the next sync() or close() says
// kDataLost instead of kOk. The file is never synced or appended to again.
void EventWriterBase::sync_failed() {
  if (unsynced_records_ > 0) {
    lost_records_ += unsynced_records_;
    loss_unreported_ = true;
  }
  unsynced_records_ = 0;
  poisoned_ = true;
  abandoned_ = true;
}

// Leave the current file for a new one. Its unsynced bytes get a last sync unless a sync
// of it failed already; a failure here loses what earlier flushes wrote (sync_failed()).
// Then it is closed as it is: readers stop at its last complete record, and nothing is
// ever appended to it again.
Status EventWriterBase::next_file() {
  if (file_open_) {
    if (unsynced_ && !poisoned_ && sink_->sync() != Status::kOk) sync_failed();
    (void)sink_->close();
    file_open_ = false;
  }
  abandoned_ = true;
  return open_file();
}

Status EventWriterBase::write_queue(bool sync_now) {
  Status s = Status::kOk;
  if (abandoned_) {
    s = next_file();
    if (s != Status::kOk) return s;
  }
  unsynced_ = true;
  s = sink_->write(queue_, queued_bytes_);
  if (s != Status::kOk) {
    // Part of the queue may be in the file now. Cut it back to the last complete record,
    // or, if the storage cannot, never append to this file again.
    if (sink_->truncate(file_bytes_) != Status::kOk) abandoned_ = true;
    return s;
  }
  // A queue that brings a tag's metadata to this file is synced whatever sync_every says
  // (once per tag and file): later values of the tag are encoded without it, so a failed
  // sync must never be able to take it away from them (docs/storage.md, "A failed sync").
  if (sync_now || queued_metadata_ || (sync_every_ > 0 && unsynced_flushes_ + 1 >= sync_every_)) {
    s = sink_->sync();
    if (s != Status::kOk) {
      // What reached the file is not known to be durable, and some storage cannot be
      // trusted with more appends (fsync after EIO on Linux, FatFs's aborted file
      // object): keep the records queued and write them again into a new file. Cutting
      // them from this one first avoids a second copy where the storage allows it.
      // Records earlier flushes wrote are lost (sync_failed()).
      (void)sink_->truncate(file_bytes_);
      sync_failed();
      return s;
    }
    synced_bytes_ = file_bytes_ + queued_bytes_;
    unsynced_ = false;
    unsynced_flushes_ = 0;
    unsynced_records_ = 0;
  } else {
    ++unsynced_flushes_;
    unsynced_records_ += queued_records_;
  }
  file_bytes_ += queued_bytes_;
  queued_bytes_ = 0;
  queued_records_ = 0;
  queued_metadata_ = false;
  return Status::kOk;
}

// flush() and sync(): the queue in one append, then a sync when asked or due.
Status EventWriterBase::flush_queue(bool sync_now) {
  Status s = Status::kOk;
  if (queued_bytes_ > 0) {
    s = write_queue(sync_now);
  } else if (sync_now && file_open_ && unsynced_ && !poisoned_) {
    s = sink_->sync();
    if (s == Status::kOk) {
      synced_bytes_ = file_bytes_;
      unsynced_ = false;
      unsynced_flushes_ = 0;
      unsynced_records_ = 0;
    } else {
      sync_failed();  // its records left the queue already: lost, and never append to it
    }
  }
  if (s == Status::kOk) {
    uint64_t now = 0;
    if (now_ms(&now)) last_flush_ms_ = now;
  }
  last_flush_status_ = s;
  return s;
}

// Before a record of `record_bytes` is queued: flush a full queue, and rotate when the
// record would take the file above rotate_bytes. The record is encoded afterwards for the
// file it will land in, so it carries its metadata there and never spans two files.
Status EventWriterBase::make_room(size_t record_bytes) {
  if (queued_bytes_ + record_bytes > queue_cap_) {
    const Status s = flush();
    if (s != Status::kOk) return s;
  }
  // An abandoned file is never appended to: the queue goes to a fresh file, which holds
  // a full queue (open() checked rotate_bytes), so there is nothing to rotate.
  if (rotate_bytes_ == 0 || abandoned_ || file_bytes_ + queued_bytes_ + record_bytes <= rotate_bytes_) {
    return Status::kOk;
  }
  Status s = flush_queue(true);  // a finished file is a durable file
  if (s == Status::kOk) s = next_file();
  last_flush_status_ = s;
  return s;
}

Status EventWriterBase::flush() {
  if (!is_open()) return Status::kNotOpen;
  return flush_queue(false);
}

Status EventWriterBase::sync() {
  if (!is_open()) return Status::kNotOpen;
  const Status s = flush_queue(true);
  if (s != Status::kOk || !loss_unreported_) return s;
  loss_unreported_ = false;
  return Status::kDataLost;
}

Status EventWriterBase::poll() {
  if (!is_open()) return Status::kNotOpen;
  uint64_t now = 0;
  if (queued_bytes_ > 0 && flush_millis_ > 0 && now_ms(&now) && now - last_flush_ms_ >= flush_millis_) {
    return flush();
  }
  return Status::kOk;
}

Status EventWriterBase::close() {
  if (!is_open()) return Status::kNotOpen;
  const Status s = flush_queue(true);
  if (queued_bytes_ > 0) return s;  // records still queued: stay open so the caller can retry
  const bool given_up = abandoned_;
  const bool lost = loss_unreported_;
  loss_unreported_ = false;  // a failing close() says it already: nothing was made durable
  Status closed = Status::kOk;
  if (file_open_) closed = sink_->close();
  file_open_ = false;
  sink_ = nullptr;
  file_name_[0] = '\0';
  if (s != Status::kOk) return s;
  if (lost) return Status::kDataLost;
  if (given_up) return Status::kOk;  // that file was already given up; its close result does not matter
  return closed;
}

// ---- time -------------------------------------------------------------------------------

WallTime EventWriterBase::wall_time() const { return clock_time(clock_); }

bool EventWriterBase::now_ms(uint64_t* ms) const {
  if (clock_.uptime_ms != nullptr) {
    *ms = clock_.uptime_ms();
    return true;
  }
  if (clock_.wall_time != nullptr) {
    const WallTime t = clock_.wall_time();
    if (wall_time_known(t)) {
      *ms = static_cast<uint64_t>(t.seconds) * 1000u + t.nanos / 1000000u;
      return true;
    }
  }
  return false;
}

// ---- logging ------------------------------------------------------------------------------

Status EventWriterBase::log_summary(TagRef tag, int64_t step, Summary& summary) {
  if (!is_open()) return Status::kNotOpen;

  // Tag and step first: a refused value changes nothing.
  const size_t stride = max_tag_len_ + 1;
  char* scratch = names_ + max_tags_ * stride;
  size_t tag_len = 0;
  Status s = join_tag(tag, scratch, max_tag_len_, &tag_len);
  if (s != Status::kOk) return s;
  const size_t slot = find_tag(scratch, tag_len);
  if (slot == tag_count_ && !new_tag_ok(scratch, tag_len)) return Status::kInvalidTag;
  if (slot < tag_count_ && step <= slots_[slot].last_step) return Status::kStepNotIncreasing;
  if (slot == tag_count_ && tag_count_ == max_tags_) return Status::kTooManyTags;

  detail::SummarySpec& spec = summary.spec;
  spec.tag = scratch;
  spec.tag_len = tag_len;
  detail::EventSpec event;
  // A value taken earlier carries its own time (set_value_time: the async writer).
  event.wall_time_bits = wall_time_bits(wall_time_known(value_time_) ? value_time_ : wall_time());
  event.step = step;
  event.summary = &spec;
  event.general = summary.general;

  // Make room (sized with metadata, the larger form), then size the real record: a
  // flush or a rotation may have started a new file, which needs the metadata again.
  spec.with_metadata = true;
  size_t payload = 0;
  if (!detail::event_size(event, &payload)) return Status::kEncodeError;
  // Larger than the queue even empty: the record goes to the sink in pieces instead, where
  // the call linked that path in (writer_summary.h); scalars and text never do.
  if (payload + kRecordOverheadBytes > queue_cap_) {
    if (summary.streamer == nullptr) return Status::kTooLarge;
    return (this->*summary.streamer)(slot, step, event, summary);
  }
  s = make_room(payload + kRecordOverheadBytes);
  if (s != Status::kOk) return s;
  // Blobs produced before the record (compressed images) go into the room just made.
  if (summary.place.place != nullptr) {
    s = summary.place.place(summary.place.context, queue_ + queued_bytes_ + kRecordHeaderBytes, payload);
    if (s != Status::kOk) return s;
  }
  // While the file is abandoned, the queue will go to a new file: carry the metadata.
  spec.with_metadata = slot == tag_count_ || slots_[slot].meta_file != file_serial_ || abandoned_;
  if (!detail::event_size(event, &payload)) return Status::kEncodeError;

  uint8_t* record = queue_ + queued_bytes_;
  if (!detail::encode_event(event, record + kRecordHeaderBytes, payload)) return Status::kEncodeError;
  commit_record(slot, tag_len, step, payload, spec.with_metadata);
  return after_record();
}

size_t EventWriterBase::find_tag(const char* tag, size_t len) const {
  const size_t stride = max_tag_len_ + 1;
  for (size_t i = 0; i < tag_count_; ++i) {
    if (slots_[i].len == len && memcmp(names_ + i * stride, tag, len) == 0) return i;
  }
  return tag_count_;
}

Status EventWriterBase::seed_step(const char* tag, int64_t step) {
  if (!is_open()) return Status::kNotOpen;
  if (tag == nullptr) return Status::kInvalidArgument;
  const size_t stride = max_tag_len_ + 1;
  char* scratch = names_ + max_tags_ * stride;
  size_t len = 0;
  const Status s = join_tag(TagRef{nullptr, tag}, scratch, max_tag_len_, &len);
  if (s != Status::kOk) return s;
  const size_t slot = find_tag(scratch, len);
  if (slot == tag_count_ && !new_tag_ok(scratch, len)) return Status::kInvalidTag;
  if (slot < tag_count_) {
    // Seeding only ever raises a step: lowering it would let a series go backwards.
    if (step < slots_[slot].last_step) return Status::kStepNotIncreasing;
    slots_[slot].last_step = step;
    return Status::kOk;
  }
  if (tag_count_ == max_tags_) return Status::kTooManyTags;
  memcpy(names_ + slot * stride, scratch, len + 1);
  slots_[slot].len = static_cast<uint16_t>(len);
  slots_[slot].last_step = step;
  slots_[slot].meta_file = 0;  // no file has its metadata yet (file serials start at 1)
  ++tag_count_;
  return Status::kOk;
}

Status EventWriterBase::last_step(const char* tag, int64_t* step) const {
  if (tag == nullptr || step == nullptr) return Status::kInvalidArgument;
  const size_t len = detail::bounded_length(tag, max_tag_len_);
  const size_t slot = find_tag(tag, len);
  if (len == 0 || len > max_tag_len_ || slot == tag_count_) return Status::kInvalidArgument;
  *step = slots_[slot].last_step;
  return Status::kOk;
}

// The record just encoded at the queue's end (payload bytes after its header) becomes
// part of the queue, and its tag's bookkeeping follows: a new tag's name moves from the
// scratch row into the table (join_tag() left it there, `tag_len` bytes and a NUL), the step and the metadata state.
inline void EventWriterBase::commit_record(size_t slot, size_t tag_len, int64_t step, size_t payload, bool with_metadata) {
  frame_record(queue_ + queued_bytes_, payload);
  queued_bytes_ += payload + kRecordOverheadBytes;
  ++queued_records_;
  if (queued_bytes_ > high_water_) high_water_ = queued_bytes_;

  if (slot == tag_count_) {
    const size_t stride = max_tag_len_ + 1;
    memcpy(names_ + slot * stride, names_ + max_tags_ * stride, tag_len + 1);
    slots_[slot].len = static_cast<uint16_t>(tag_len);
    ++tag_count_;
  }
  slots_[slot].last_step = step;
  if (with_metadata && !abandoned_) slots_[slot].meta_file = file_serial_;
  if (with_metadata) queued_metadata_ = true;
}

Status EventWriterBase::after_record() {
  uint64_t now = 0;
  const bool due = queued_records_ > queue_limit_ ||
                   (flush_millis_ > 0 && now_ms(&now) && now - last_flush_ms_ >= flush_millis_);
  if (due) (void)flush();  // a failure is kept in last_flush_status(); the records stay queued
  return Status::kOk;
}

#if !TINYTB_SMALL_TARGET
namespace {

// Records after_scalar() lets pass on its hint before it reads the uptime clock anyway.
constexpr uint8_t kTimerSkipMax = 63;
// The hint is kept modulo 2^32 ms; time left beyond this is counted from a later read.
constexpr uint64_t kTimerHintMaxMs = uint64_t{1} << 30;

uint64_t wall_ms(WallTime t) { return static_cast<uint64_t>(t.seconds) * 1000u + t.nanos / 1000000u; }

}  // namespace

// log_summary() for the classic scalar, cut to what that shape needs: the same checks in
// the same order, the same bookkeeping, and the same bytes (encode_simple_scalar(), held
// equal to encode_event() by tests/format/event_direct_test.cc), encoded once straight
// into the queue instead of sized twice through a SummarySpec. Its record never carries
// metadata, but its tag's first record in a file still counts as the metadata-bearing
// one, as in log_summary(), so the flush that writes it syncs the same way.
Status EventWriterBase::log_simple_scalar(TagRef tag, int64_t step, float value) {
  if (!is_open()) return Status::kNotOpen;
  const size_t stride = max_tag_len_ + 1;
  char* scratch = names_ + max_tags_ * stride;
  size_t tag_len = 0;
  // The tag's bytes: without a scope prefix the caller's own string, read where it is
  // (join_tag() would only copy it into the scratch row), else joined there.
  const char* name = scratch;
  if (tag.prefix == nullptr || tag.prefix[0] == '\0') {
    if (tag.name == nullptr) return Status::kInvalidArgument;
    tag_len = detail::bounded_length(tag.name, max_tag_len_);
    if (tag_len == 0 || tag_len > max_tag_len_) return Status::kInvalidTag;
    name = tag.name;
  } else {
    const Status joined = join_tag(tag, scratch, max_tag_len_, &tag_len);
    if (joined != Status::kOk) return joined;
  }
  // Loops log their tags in the same order every step, so the slot after the last one
  // logged is tried first: one comparison instead of a search through the table.
  size_t slot = tag_guess_;
  if (slot >= tag_count_ || slots_[slot].len != tag_len || memcmp(names_ + slot * stride, name, tag_len) != 0) {
    slot = find_tag(name, tag_len);
  }
  if (slot == tag_count_) {
    if (!new_tag_ok(name, tag_len)) return Status::kInvalidTag;
    if (name != scratch) {  // commit_record() takes a first-seen tag's name from the scratch row
      memcpy(scratch, name, tag_len);
      scratch[tag_len] = '\0';
    }
  }
  if (slot < tag_count_ && step <= slots_[slot].last_step) return Status::kStepNotIncreasing;
  if (slot == tag_count_ && tag_count_ == max_tags_) return Status::kTooManyTags;

  const bool value_timed = wall_time_known(value_time_);
  const WallTime read = value_timed ? WallTime{} : wall_time();
  const uint64_t wall_bits = wall_time_bits(value_timed ? value_time_ : read);
  // When the queue and the file have room for the largest record this tag can make,
  // make_room() would do nothing: the record is encoded at once and sized by what it took
  // (no sizing pass, no call). Otherwise it is sized first and make_room() flushes or
  // rotates as in log_summary().
  const size_t bound = tag_len + detail::kSimpleScalarFixedMax + kRecordOverheadBytes;
  size_t payload = 0;
  if (queued_bytes_ + bound > queue_cap_ ||
      (rotate_bytes_ != 0 && !abandoned_ && file_bytes_ + queued_bytes_ + bound > rotate_bytes_)) {
    payload = detail::simple_scalar_event_bytes(wall_bits, step, tag_len);
    if (payload + kRecordOverheadBytes > queue_cap_) return Status::kTooLarge;  // never: EventWriter's static_assert
    const Status s = make_room(payload + kRecordOverheadBytes);
    if (s != Status::kOk) return s;
  }
  const bool with_metadata = slot == tag_count_ || slots_[slot].meta_file != file_serial_ || abandoned_;

  uint8_t* record = queue_ + queued_bytes_;
  payload = detail::encode_simple_scalar(record + kRecordHeaderBytes, wall_bits, step, name, tag_len, value);
  commit_record(slot, tag_len, step, payload, with_metadata);
  tag_guess_ = static_cast<uint16_t>(slot + 1 < tag_count_ ? slot + 1 : 0);
  return after_scalar(read);
}

// after_record() with one clock read per scalar instead of two. `read` is the wall time
// the scalar's event just took from the clock ({} when it carried a value time instead).
// flush_millis is measured on the uptime clock, and reading it for every record was half
// of a scalar's clock cost (13% of its CPU time on x86-64). Each read of the uptime clock
// now also sets a hint: the wall time by which flush_millis could have passed (the wall
// time read + the time left). Records stamped before the hint skip the read. A wall clock
// that keeps pace with the uptime clock (POSIX's CLOCK_REALTIME and CLOCK_MONOTONIC, both
// slewed alike) gives exactly the old behaviour: the first record after the deadline
// flushes. One that is set back or runs slow delays that flush by at most kTimerSkipMax
// records, after which the uptime clock is read whatever the hint says; poll() always
// reads it. docs/bench.md, "What the scalar path spends".
Status EventWriterBase::after_scalar(WallTime read) {
  if (queued_records_ > queue_limit_) {
    (void)flush();  // as after_record(): a failure is kept in last_flush_status()
    return Status::kOk;
  }
  if (flush_millis_ == 0) return Status::kOk;
  const bool hinted = wall_time_known(read) && clock_.uptime_ms != nullptr;
  if (hinted && timer_budget_ > 0 &&
      static_cast<int32_t>(static_cast<uint32_t>(wall_ms(read)) - timer_hint_ms_) < 0) {
    --timer_budget_;
    return Status::kOk;
  }
  timer_budget_ = 0;  // no hint until one is set below
  uint64_t now = 0;
  if (clock_.uptime_ms == nullptr && wall_time_known(read)) {
    now = wall_ms(read);  // what now_ms() would read from the same clock again
  } else if (!now_ms(&now)) {
    return Status::kOk;
  }
  const uint64_t elapsed = now - last_flush_ms_;
  if (elapsed >= flush_millis_) {
    (void)flush();
    return Status::kOk;
  }
  if (hinted) {
    const uint64_t left = flush_millis_ - elapsed;
    timer_hint_ms_ = static_cast<uint32_t>(wall_ms(read) + (left < kTimerHintMaxMs ? left : kTimerHintMaxMs));
    timer_budget_ = kTimerSkipMax;
  }
  return Status::kOk;
}
#endif

Status EventWriterBase::log_scalar(TagRef tag, int64_t step, float value) {
#if !TINYTB_SMALL_TARGET
  // Two tail calls: the general path's Summary lives in a function of its own, so the
  // classic scalar pays no stack frame for it (21 instructions a scalar before).
  if (classic_form()) return log_simple_scalar(tag, step, value);
  return log_general_scalar(tag, step, value);
}

Status EventWriterBase::log_general_scalar(TagRef tag, int64_t step, float value) {
#endif
  Summary summary;
  if (classic_form()) {
    detail::make_simple_scalar(&value, &summary.spec);
  } else {
    detail::make_scalar(&value, &summary.spec);
  }
  return log_summary(tag, step, summary);
}

Status EventWriterBase::log_text(TagRef tag, int64_t step, const char* const* strings, size_t rows, size_t cols,
                                 uint8_t rank) {
  if (strings == nullptr || rows == 0 || cols == 0) return Status::kInvalidArgument;
  if (rows > SIZE_MAX / cols || rows * cols > queue_cap_) return Status::kTooLarge;
  const size_t count = rows * cols;
  for (size_t i = 0; i < count; ++i) {
    if (strings[i] == nullptr) return Status::kInvalidArgument;
    const size_t n = detail::bounded_length(strings[i], queue_cap_);
    if (n > queue_cap_) return Status::kTooLarge;
    if (!detail::is_utf8(strings[i], n)) return Status::kInvalidArgument;
  }
  Summary summary;
  detail::MarkdownText markdown;  // read while log_summary() encodes the event
  if (rank > 0 && classic_form()) {
    detail::make_markdown_text(strings, rows, cols, rank, &markdown, &summary.spec);
  } else {
    detail::make_text(strings, rows, cols, rank, &summary.spec);
  }
  return log_summary(tag, step, summary);
}

Status EventWriterBase::scalar(const char* tag, int64_t step, float value) {
  return log_scalar(TagRef{nullptr, tag}, step, value);
}

Status EventWriterBase::text(const char* tag, int64_t step, const char* markdown) {
  return log_text(TagRef{nullptr, tag}, step, &markdown, 1, 1, 0);
}

Status EventWriterBase::text_list(const char* tag, int64_t step, const char* const* items, size_t count) {
  return log_text(TagRef{nullptr, tag}, step, items, 1, count, 1);
}

Status EventWriterBase::text_table(const char* tag, int64_t step, const char* const* cells, size_t rows,
                                   size_t cols) {
  return log_text(TagRef{nullptr, tag}, step, cells, rows, cols, 2);
}

// ---- Scope ------------------------------------------------------------------------------------

Scope::Scope(EventWriterBase& writer, const char* prefix) : writer_(&writer) { set_prefix(nullptr, prefix); }

Scope::Scope(const Scope& parent, const char* name) : writer_(parent.writer_), status_(parent.status_) {
  if (status_ == Status::kOk) set_prefix(parent.prefix_, name);
}

void Scope::set_prefix(const char* parent, const char* name) {
  status_ = Status::kInvalidTag;
  if (name == nullptr) return;
  size_t n = detail::bounded_length(name, TINYTB_MAX_SCOPE_LEN);
  if (n > 0 && name[n - 1] == '/') --n;  // "train/" and "train" mean the same scope
  if (n == 0 || n > TINYTB_MAX_SCOPE_LEN || name[0] == '/' || name[n - 1] == '/') return;
  for (size_t i = 1; i < n; ++i) {
    if (name[i] == '/' && name[i - 1] == '/') return;  // "a//b" would make empty tag segments
  }
  size_t pos = 0;
  if (parent != nullptr) {
    pos = strlen(parent);
    if (pos + 1 + n > TINYTB_MAX_SCOPE_LEN) return;
    memcpy(prefix_, parent, pos);
    prefix_[pos++] = '/';
  }
  memcpy(prefix_ + pos, name, n);
  prefix_[pos + n] = '\0';
  if (!detail::is_clean_utf8(prefix_, pos + n)) {
    prefix_[0] = '\0';
    return;
  }
  status_ = Status::kOk;
}

Status Scope::scalar(const char* name, int64_t step, float value) {
  if (status_ != Status::kOk) return status_;
  return writer_->log_scalar(ref(name), step, value);
}

Status Scope::text(const char* name, int64_t step, const char* markdown) {
  if (status_ != Status::kOk) return status_;
  return writer_->log_text(ref(name), step, &markdown, 1, 1, 0);
}

Status Scope::text_list(const char* name, int64_t step, const char* const* items, size_t count) {
  if (status_ != Status::kOk) return status_;
  return writer_->log_text(ref(name), step, items, 1, count, 1);
}

Status Scope::text_table(const char* name, int64_t step, const char* const* cells, size_t rows, size_t cols) {
  if (status_ != Status::kOk) return status_;
  return writer_->log_text(ref(name), step, cells, rows, cols, 2);
}

}  // namespace tinytb
