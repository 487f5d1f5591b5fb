// tinytb port: the event file as frames on a byte link (docs/streaming.md).
#include "stream_sink.h"

#include <string.h>

#include "tinytb/format/crc32c.h"

namespace tinytb {

namespace {

void put_u16(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}
void put_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

// Up to 255 bytes of a string for the open frame; longer strings are cut, which only
// affects the name the receiver may show, never the file's bytes.
size_t put_short_string(uint8_t* p, const char* s) {
  size_t n = strlen(s);
  if (n > 255) n = 255;
  p[0] = static_cast<uint8_t>(n);
  memcpy(p + 1, s, n);
  return n + 1;
}

bool valid_board(const char* board) {
  size_t n = 0;
  for (const char* c = board; *c != '\0'; ++c, ++n) {
    if (n >= kStreamMaxBoardLen) return false;
    const char ch = *c;
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                    ch == '_' || ch == '-' || ch == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

// ---- frames ------------------------------------------------------------------------------------

// A frame's payload may come in two pieces (the open frame's strings; otherwise one), so the
// CRC runs over both and the link gets them without copying into a frame buffer.
Status StreamSink::send_frame2(StreamFrameType type, const uint8_t* head, size_t head_size, const uint8_t* payload,
                               size_t size) {
  const size_t total = head_size + size;
  if (total > kStreamMaxPayload) return Status::kInvalidArgument;
  uint8_t header[kStreamHeaderBytes];
  header[0] = kStreamMarker0;
  header[1] = kStreamMarker1;
  header[2] = kStreamVersion;
  header[3] = static_cast<uint8_t>(type);
  put_u16(header + 4, static_cast<uint32_t>(total));
  put_u32(header + 6, session_);
  put_u32(header + 10, sequence_);
  put_u32(header + 14, crc32c(header, 14));
  uint32_t crc = 0;
  if (head_size > 0) crc = crc32c_extend(crc, head, head_size);
  if (size > 0) crc = crc32c_extend(crc, payload, size);
  uint8_t trailer[kStreamTrailerBytes];
  put_u32(trailer, crc);

  // The sequence number is spent even when the link fails half way: the receiver then
  // sees a gap, which is the truth about what reached it. The truncate frame that follows
  // a failed write names the first failed frame, so the receiver can tell this gap (the
  // writer sends those bytes again) from bytes the link lost.
  const uint32_t this_frame = sequence_;
  ++sequence_;
  Status s = link_.send(header, sizeof header);
  if (s == Status::kOk && head_size > 0) s = link_.send(head, head_size);
  if (s == Status::kOk && size > 0) s = link_.send(payload, size);
  if (s == Status::kOk) s = link_.send(trailer, sizeof trailer);
  if (s != Status::kOk) {
    if (!failed_) first_failed_ = this_frame;
    failed_ = true;
    last_error_ = static_cast<int32_t>(s);
    return s == Status::kUnsupported ? Status::kIoError : s;
  }
  link_bytes_ += kStreamHeaderBytes + total + kStreamTrailerBytes;
  return Status::kOk;
}

Status StreamSink::send_frame(StreamFrameType type, const uint8_t* payload, size_t size) {
  return send_frame2(type, nullptr, 0, payload, size);
}

// ---- the Sink interface --------------------------------------------------------------------------

Status StreamSink::open(const char* dir, const char* file_name) {
  if (open_) return Status::kAlreadyOpen;
  if (dir == nullptr || file_name == nullptr || !valid_board(board_)) return Status::kInvalidArgument;
  // 3 length bytes + board (<= 32) + dir and name (<= 255 each): well under one frame.
  uint8_t payload[3 + kStreamMaxBoardLen + 255 + 255];
  size_t n = put_short_string(payload, board_);
  n += put_short_string(payload + n, dir);
  n += put_short_string(payload + n, file_name);
  const Status s = send_frame(StreamFrameType::kOpen, payload, n);
  if (s != Status::kOk) return s;
  open_ = true;
  return Status::kOk;
}

Status StreamSink::write(const uint8_t* data, size_t size) {
  if (!open_) return Status::kNotOpen;
  if (data == nullptr || size == 0) return Status::kInvalidArgument;
  while (size > 0) {
    const size_t chunk = size < kStreamMaxPayload ? size : kStreamMaxPayload;
    const Status s = send_frame(StreamFrameType::kData, data, chunk);
    if (s != Status::kOk) return s;
    data += chunk;
    size -= chunk;
  }
  return Status::kOk;
}

Status StreamSink::sync() {
  if (!open_) return Status::kNotOpen;
  if (sync_frames_) {
    const Status s = send_frame(StreamFrameType::kSync, nullptr, 0);
    if (s != Status::kOk) return s;
  }
  return link_.flush();
}

Status StreamSink::truncate(uint64_t size) {
  if (!open_) return Status::kNotOpen;
  uint8_t payload[12];
  put_u32(payload, static_cast<uint32_t>(size));
  put_u32(payload + 4, static_cast<uint32_t>(size >> 32));
  put_u32(payload + 8, failed_ ? first_failed_ : sequence_);
  const Status s = send_frame(StreamFrameType::kTruncate, payload, sizeof payload);
  if (s == Status::kOk) failed_ = false;
  return s;
}

Status StreamSink::close() {
  if (!open_) return Status::kNotOpen;
  // Closed on our side whatever the link says: the receiver closes a file on its own
  // when the next open frame or a new session arrives.
  open_ = false;
  const Status s = send_frame(StreamFrameType::kClose, nullptr, 0);
  if (s != Status::kOk) return s;
  return link_.flush();
}

// ---- TeeSink -------------------------------------------------------------------------------------

void TeeSink::note(Status secondary) {
  last_secondary_ = secondary;
  if (secondary != Status::kOk) ++secondary_errors_;
}

Status TeeSink::open(const char* dir, const char* file_name) {
  const Status s = primary_.open(dir, file_name);
  if (s != Status::kOk) return s;
  const Status t = secondary_.open(dir, file_name);
  note(t);
  secondary_open_ = t == Status::kOk;
  return Status::kOk;
}

Status TeeSink::write(const uint8_t* data, size_t size) {
  const Status s = primary_.write(data, size);
  if (secondary_open_) note(secondary_.write(data, size));
  return s;
}

Status TeeSink::sync() {
  const Status s = primary_.sync();
  if (secondary_open_) note(secondary_.sync());
  return s;
}

Status TeeSink::truncate(uint64_t size) {
  const Status s = primary_.truncate(size);
  if (secondary_open_) note(secondary_.truncate(size));
  return s;
}

Status TeeSink::close() {
  const Status s = primary_.close();
  if (secondary_open_) note(secondary_.close());
  secondary_open_ = false;
  return s;
}

}  // namespace tinytb
