// tinytb: records larger than the writer's queue, streamed to the sink (docs/storage.md,
// "Records larger than the queue").
//
// The record is never whole in RAM. Its size is known first (a sizing pass: for tinytb's
// deflate the images are compressed once with their bytes counted, not kept), so the
// TFRecord header goes out first, then the payload in pieces as nanopb encodes it, then
// the payload's CRC. The queue, flushed empty before, is the staging buffer; its last
// window_bytes are the producers' window (the deflate's output block). Every piece is one
// Sink::write(), so the file only ever holds whole records plus, until the last piece,
// one record cut short: what a power cut or a failed write leaves anyway.
#include <string.h>

#include "base/bytes.h"
#include "format/event.h"
#include "tinytb/format/crc32c.h"
#include "tinytb/format/record.h"
#include "tinytb/writer/event_writer.h"
#include "writer/writer_summary.h"

namespace tinytb {
namespace {

// The staging buffer never gets smaller than this: fewer bytes a write would make the
// sink's per-call cost dominate (a FatFs sector is 512 bytes).
constexpr size_t kMinStreamBuffer = 256;
static_assert(stream_queue_bytes() == kMinStreamBuffer, "sizing.h's stream_queue_bytes() states this minimum");

// The record's bytes on their way to the sink: staged in buf[0, capacity), written when
// full. A piece at least as large as the buffer (the deflate's blocks, a pre-encoded
// image) goes to the sink from where it lies, after what was staged before it, in writes
// of at most `capacity` bytes all the same: every write of a record is bounded.
struct StreamOut {
  Sink* sink;
  uint8_t* buf;
  size_t capacity;
  size_t used;
  uint32_t crc;  // CRC-32C of the payload so far
  uint64_t written;
  Status status;  // the sink's first failure

  bool drain() {
    if (used == 0) return true;
    status = sink->write(buf, used);
    if (status != Status::kOk) return false;
    written += used;
    used = 0;
    return true;
  }

  bool put(const uint8_t* data, size_t size) {
    if (status != Status::kOk) return false;
    if (size >= capacity) {
      if (!drain()) return false;
      while (size > 0) {
        const size_t take = size < capacity ? size : capacity;
        status = sink->write(data, take);
        if (status != Status::kOk) return false;
        written += take;
        data += take;
        size -= take;
      }
      return true;
    }
    while (size > 0) {
      if (used == capacity && !drain()) return false;
      const size_t take = size < capacity - used ? size : capacity - used;
      memcpy(buf + used, data, take);
      used += take;
      data += take;
      size -= take;
    }
    return true;
  }
};

bool put_payload(void* context, const uint8_t* data, size_t size) {
  StreamOut* out = static_cast<StreamOut*>(context);
  out->crc = crc32c_extend(out->crc, data, size);
  return out->put(data, size);
}

}  // namespace

Status EventWriterBase::stream_record(size_t slot, int64_t step, detail::EventSpec& event, Summary& summary) {
  detail::SummarySpec& spec = summary.spec;
  const size_t window = summary.stream.window_bytes;
  if (window > queue_cap_ || queue_cap_ - window < kMinStreamBuffer) return Status::kTooLarge;

  // The queued records are older: they go first, and the queue becomes the buffer.
  Status s = flush_queue(false);
  if (s != Status::kOk) return s;
  if (summary.stream.measure != nullptr) {
    s = summary.stream.measure(summary.stream.context, queue_ + queue_cap_ - window, window);
    if (s != Status::kOk) return s;
  }
  // An abandoned file is never appended to: this record opens the next one.
  if (abandoned_) {
    s = next_file();
    last_flush_status_ = s;
    if (s != Status::kOk) return s;
  }
  spec.with_metadata = slot == tag_count_ || slots_[slot].meta_file != file_serial_;
  size_t payload = 0;
  if (!detail::event_size(event, &payload)) return Status::kEncodeError;
  if (rotate_bytes_ != 0) {
    // A record never spans files: one that no fresh file holds cannot be written at all
    // (sized with its metadata, which a fresh file needs).
    const bool had_metadata = spec.with_metadata;
    size_t fresh = payload;
    spec.with_metadata = true;
    if (!had_metadata && !detail::event_size(event, &fresh)) return Status::kEncodeError;
    spec.with_metadata = had_metadata;
    if (file_version_record_bytes() + fresh + kRecordOverheadBytes > rotate_bytes_) return Status::kTooLarge;
    if (file_bytes_ + payload + kRecordOverheadBytes > rotate_bytes_) {
      s = flush_queue(true);  // nothing queued: makes the finished file durable
      if (s == Status::kOk) s = next_file();
      last_flush_status_ = s;
      if (s != Status::kOk) return s;
      spec.with_metadata = true;
      payload = fresh;
    }
  }

  s = write_streamed(event, payload, queue_cap_ - window);
  if (s != Status::kOk) return s;

  // The record is in the file; the tag takes its step.
  const size_t stride = max_tag_len_ + 1;
  if (slot == tag_count_) {
    memcpy(names_ + slot * stride, spec.tag, spec.tag_len);
    names_[slot * stride + spec.tag_len] = '\0';
    slots_[slot].len = static_cast<uint16_t>(spec.tag_len);
    ++tag_count_;
  }
  slots_[slot].last_step = step;
  if (spec.with_metadata) slots_[slot].meta_file = file_serial_;
  return Status::kOk;
}

// Header, payload in pieces, CRC; then the sync policy of a flush. On any failure the
// file is cut back to its last whole record (or abandoned where it cannot be cut), as a
// failed flush does, and nothing of the record counts.
Status EventWriterBase::write_streamed(const detail::EventSpec& event, size_t payload, size_t buffer_bytes) {
  // First the event without its produced strings (the PNGs), into the queue: their
  // producers then run from here, not from inside nanopb's nested messages, so the deepest
  // call stays the deflate's own (docs/storage.md). The rest of the queue stages the writes.
  detail::EventSplit split;
  const bool split_ok = detail::encode_event_split(event, payload, queue_, buffer_bytes, &split) &&
                        split.records_start() - split.gap_bytes >= kMinStreamBuffer;
  StreamOut out{sink_, queue_, buffer_bytes, 0, 0, 0, Status::kOk};
  if (split_ok) {
    out.buf = queue_ + split.gap_bytes;
    out.capacity = split.records_start() - split.gap_bytes;
  }
  uint8_t header[kRecordHeaderBytes];
  detail::put_le64(header, payload);
  detail::put_le32(header + 8, mask_crc(crc32c(header, 8)));
  unsynced_ = true;
  bool ok = out.put(header, sizeof(header));
  const detail::EventOut to_out{put_payload, &out};
  if (split_ok) {
    size_t done = 0;  // gap bytes written
    for (size_t i = 0; i < split.holes && ok; ++i) {
      const detail::EventHole hole = split.hole(i);
      ok = put_payload(&out, queue_ + done, hole.offset - done) && detail::produce_hole(hole, to_out);
      done = hole.offset;
    }
    ok = ok && put_payload(&out, queue_ + done, split.gap_bytes - done);
  } else {
    // Gap bytes beyond the queue (a huge tag table or text): nanopb produces in place.
    ok = ok && detail::encode_event_stream(event, payload, to_out);
  }
  uint8_t trailer[kRecordTrailerBytes];
  detail::put_le32(trailer, mask_crc(out.crc));
  ok = ok && out.put(trailer, sizeof(trailer)) && out.drain();
  const uint64_t record = payload + kRecordOverheadBytes;
  if (!ok || out.written != record) {
    if (out.written > 0 || out.status != Status::kOk) {
      if (sink_->truncate(file_bytes_) != Status::kOk) abandoned_ = true;
    }
    // A sink failure is the sink's to report; otherwise a producer failed (kEncodeError,
    // or the reason end_images() finds in the image batch).
    return out.status != Status::kOk ? out.status : Status::kEncodeError;
  }
  // A record that carries its tag's metadata to this file is synced at once, as a queue
  // that carries some is (write_queue()).
  if (event.summary->with_metadata || (sync_every_ > 0 && unsynced_flushes_ + 1 >= sync_every_)) {
    const Status s = sink_->sync();
    if (s != Status::kOk) {
      // Not durable, and no queue holds the record to write it again: it is cut off and the
      // value refused, as a failed flush keeps its records (the file is given up:
      // sync_failed()). Where the storage cannot cut, the refused record may stay whole in
      // that abandoned file; a retry of the same step writes an identical copy, which
      // TensorBoard shows once (docs/storage.md, "Records larger than the queue").
      (void)sink_->truncate(file_bytes_);
      sync_failed();
      last_flush_status_ = s;
      return s;
    }
    synced_bytes_ = file_bytes_ + record;
    unsynced_ = false;
    unsynced_flushes_ = 0;
    unsynced_records_ = 0;
  } else {
    ++unsynced_flushes_;
    ++unsynced_records_;
  }
  file_bytes_ += record;
  return Status::kOk;
}

}  // namespace tinytb
