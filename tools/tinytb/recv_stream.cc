// tinytb host tool: the stream receiver's parser (docs/streaming.md, "Wire format").
#include "recv_stream.h"

#include <algorithm>
#include <cstring>

#include "tinytb/format/crc32c.h"

namespace tinytb_tool {

namespace {

// The wire constants, as docs/streaming.md gives them. The tool does not include the port's
// header (the tool reads the format, never the board's code); tests/tools/recv_stream_test.cc
// feeds it frames made by the real StreamSink, which ties the two together.
constexpr uint8_t kMarker0 = 0xE7;
constexpr uint8_t kMarker1 = 0x5A;
constexpr uint8_t kVersion = 1;
constexpr size_t kHeader = 18;
constexpr size_t kTrailer = 4;
constexpr size_t kMaxPayload = 16384;
constexpr uint8_t kOpen = 1, kData = 2, kSync = 3, kTruncate = 4, kClose = 5;
constexpr size_t kEndedSessionsKept = 16;
// Record ends remembered for truncate frames. The writer only ever cuts back the queue it
// failed to write, so a few thousand records reach further back than any real queue.
constexpr size_t kRecordEndsKept = 4096;

constexpr size_t kRecHeader = 12;
constexpr size_t kRecTrailer = 4;

uint32_t get_u16(const uint8_t* p) { return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8); }
uint32_t get_u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}
uint64_t get_u64(const uint8_t* p) { return get_u32(p) | (static_cast<uint64_t>(get_u32(p + 4)) << 32); }

// A TFRecord header: its length when the length CRC checks.
bool record_header(const uint8_t* p, uint64_t* length) {
  if (tinytb::mask_crc(tinytb::crc32c(p, 8)) != get_u32(p + 8)) return false;
  *length = get_u64(p);
  return true;
}

}  // namespace

// ---- frame layer -----------------------------------------------------------------------------------

void StreamParser::feed(const uint8_t* data, size_t size) {
  if (size == 0) return;
  counters_.bytes_in += size;
  // Consumed bytes are dropped before new ones are added, so the buffer holds at most one
  // unfinished frame plus this feed.
  if (pos_ > 0) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
  }
  buf_.insert(buf_.end(), data, data + size);
  scan_frames();
}

void StreamParser::skip(size_t n) {
  if (n == 0) return;
  pos_ += n;
  counters_.bytes_skipped += n;
  skipping_ = true;
}

void StreamParser::scan_frames() {
  for (;;) {
    const uint8_t* p = buf_.data() + pos_;
    const size_t avail = buf_.size() - pos_;
    // Find the marker; a lone first marker byte at the end may be completed by the next feed.
    size_t i = 0;
    while (i + 1 < avail && !(p[i] == kMarker0 && p[i + 1] == kMarker1)) ++i;
    if (i + 1 >= avail) {
      const size_t keep = (avail > 0 && p[avail - 1] == kMarker0) ? 1 : 0;
      skip(avail - keep);
      return;
    }
    if (i > 0) {
      skip(i);
      continue;
    }
    if (avail < kHeader) return;
    if (tinytb::crc32c(p, 14) != get_u32(p + 14)) {
      skip(1);  // not a header: look for the next marker from the byte after this one
      continue;
    }
    const uint8_t version = p[2];
    const uint8_t type = p[3];
    const size_t length = get_u16(p + 4);
    if (version != kVersion || type < kOpen || type > kClose || length > kMaxPayload) {
      ++counters_.crc_failures;
      skip(1);
      continue;
    }
    if (avail < kHeader + length + kTrailer) return;
    const uint8_t* payload = p + kHeader;
    const uint32_t crc = length > 0 ? tinytb::crc32c(payload, length) : 0;
    if (crc != get_u32(payload + length)) {
      // The header is sound but bytes went missing or changed inside the frame: the next
      // frame may start anywhere in what we took for this one's payload.
      ++counters_.crc_failures;
      skip(1);
      continue;
    }
    if (skipping_) {
      ++counters_.resyncs;
      skipping_ = false;
    }
    pos_ += kHeader + length + kTrailer;
    take_frame(type, get_u32(p + 6), get_u32(p + 10), payload, length);
  }
}

void StreamParser::take_frame(uint8_t type, uint32_t session, uint32_t sequence, const uint8_t* payload,
                              size_t size) {
  if (!have_session_ || session != session_) {
    // A session that ended is over for good (a reboot brings a new id): its frames now
    // are duplicated or replayed bytes.
    if (std::find(ended_.begin(), ended_.end(), session) != ended_.end()) {
      ++counters_.duplicates;
      return;
    }
    if (have_session_) {
      close_file();
      ended_.push_back(session_);
      if (ended_.size() > kEndedSessionsKept) ended_.pop_front();
    }
    have_session_ = true;
    session_ = session;
    // Frames before this one were sent and never seen here (their count, not a guess:
    // sequences start at 0 in every session).
    counters_.frames_lost += sequence;
    expected_ = sequence;
    ++counters_.sessions;
  }
  const int32_t ahead = static_cast<int32_t>(sequence - expected_);
  if (ahead < 0) {
    ++counters_.duplicates;
    return;
  }
  if (ahead > 0) {
    counters_.frames_lost += static_cast<uint32_t>(ahead);
    if (!lost_since_open_) first_lost_ = expected_;
    lost_since_open_ = true;
    record_gap();
  }
  expected_ = sequence + 1;
  ++counters_.frames;

  switch (type) {
    case kOpen: {
      // Three short strings; a payload that does not hold them is still an open frame
      // (its CRC checked: the board sent it), the strings are just taken as far as they go.
      std::string parts[3];
      size_t at = 0;
      for (std::string& part : parts) {
        if (at >= size) break;
        const size_t n = std::min<size_t>(payload[at], size - at - 1);
        part.assign(reinterpret_cast<const char*>(payload + at + 1), n);
        at += 1 + n;
      }
      open_file(session, parts[0], parts[1], parts[2]);
      break;
    }
    case kData:
      if (!file_open_) {
        // Joined late or the open frame was lost: the data still goes to a file.
        open_file(session, std::string(), std::string(), std::string());
        rec_synced_ = false;
      }
      feed_records(payload, size);
      break;
    case kSync:
      if (file_open_) out_.sync();
      break;
    case kTruncate:
      if (file_open_ && size >= 12) {
        truncate_to(static_cast<uint64_t>(get_u32(payload)) | (static_cast<uint64_t>(get_u32(payload + 4)) << 32),
                    get_u32(payload + 8));
      }
      break;
    case kClose:
      close_file();
      break;
    default:
      break;
  }
}

void StreamParser::finish() {
  const size_t left = buf_.size() - pos_;
  if (left > 0) skip(left);
  buf_.clear();
  pos_ = 0;
  close_file();
}

// ---- record layer ----------------------------------------------------------------------------------

// The writer failed a write, cut its file back to `size` (a record boundary) and will send
// the queue again from there. Records that ended after `size` reached us whole from the
// failed write: they are withdrawn, or they would be written twice.
void StreamParser::truncate_to(uint64_t size, uint32_t first_failed) {
  rec_.clear();
  rec_skip_ = 0;
  rec_found_ = false;
  // The offsets still match the board's file when no frame was lost since the open frame,
  // or only frames of the failed write itself (their bytes come again).
  const bool known = !lost_since_open_ || static_cast<int32_t>(first_lost_ - first_failed) >= 0;
  if (!known || size > data_offset_ ||
      (!record_ends_.empty() && size < record_ends_.front().first && record_ends_.size() == kRecordEndsKept)) {
    // After a gap the file's offsets are unknown: search for the next record instead.
    ++counters_.truncates_unmatched;
    rec_synced_ = false;
    return;
  }
  size_t count = 0;
  while (!record_ends_.empty() && record_ends_.back().first > size) {
    counters_.record_bytes -= record_ends_.back().second;
    record_ends_.pop_back();
    ++count;
  }
  if (count > 0) {
    out_.drop_last_records(count);
    counters_.records_withdrawn += count;
    counters_.records -= count;
  }
  data_offset_ = size;
  lost_since_open_ = false;
  counters_.records_dropped -= dropped_at_gaps_;
  dropped_at_gaps_ = 0;
  rec_synced_ = true;
}

uint64_t StreamParser::max_length() const {
  const uint64_t floor = kRecHeader + kRecTrailer;
  return options_.max_record > floor ? options_.max_record - floor : 0;
}

void StreamParser::open_file(uint32_t session, const std::string& board, const std::string& dir,
                             const std::string& name) {
  close_file();
  out_.begin_file(session, board, dir, name);
  file_open_ = true;
  ++counters_.files;
  rec_.clear();
  rec_skip_ = 0;
  rec_synced_ = true;  // a file starts with a record
  rec_found_ = false;
  data_offset_ = 0;
  lost_since_open_ = false;
  dropped_at_gaps_ = 0;
  record_ends_.clear();
}

void StreamParser::close_file() {
  if (!file_open_) return;
  if (rec_synced_ && !rec_found_ && (!rec_.empty() || rec_skip_ > 0)) ++counters_.records_dropped;
  rec_.clear();
  rec_skip_ = 0;
  file_open_ = false;
  out_.end_file();
}

void StreamParser::record_gap() {
  if (rec_synced_ && !rec_found_ && (!rec_.empty() || rec_skip_ > 0)) {
    ++counters_.records_dropped;
    ++dropped_at_gaps_;  // taken back if a truncate frame shows the board sends them again
  }
  rec_.clear();
  rec_skip_ = 0;
  rec_synced_ = false;
}

void StreamParser::feed_records(const uint8_t* data, size_t size) {
  data_offset_ += size;
  if (rec_skip_ > 0) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(rec_skip_, size));
    rec_skip_ -= n;
    data += n;
    size -= n;
  }
  if (size == 0) return;
  rec_.insert(rec_.end(), data, data + size);
  scan_records();
}

void StreamParser::scan_records() {
  size_t at = 0;
  for (;;) {
    const uint8_t* p = rec_.data() + at;
    const size_t avail = rec_.size() - at;
    if (!rec_synced_) {
      // Look for a header whose length CRC checks; the whole record's CRC decides below.
      size_t i = 0;
      uint64_t length = 0;
      while (i + kRecHeader <= avail &&
             !(record_header(p + i, &length) && length <= max_length())) {
        ++i;
      }
      at += i;
      if (i + kRecHeader > avail) break;
      rec_synced_ = true;
      rec_found_ = true;
      continue;
    }
    if (avail < kRecHeader) break;
    uint64_t length = 0;
    if (!record_header(p, &length)) {
      // Contiguous bytes whose record header fails: the board wrote something else
      // (a failed write without truncate). Drop it and search.
      if (!rec_found_) ++counters_.records_dropped;
      rec_found_ = false;
      rec_synced_ = false;
      ++at;
      continue;
    }
    if (length > max_length()) {
      ++counters_.records_too_large;
      rec_found_ = false;
      const uint64_t whole = length + kRecHeader + kRecTrailer;
      if (whole <= avail) {
        at += static_cast<size_t>(whole);
        continue;
      }
      rec_skip_ = whole - avail;
      at += avail;
      break;
    }
    const size_t whole = static_cast<size_t>(length) + kRecHeader + kRecTrailer;
    if (avail < whole) break;
    const uint32_t crc = tinytb::mask_crc(tinytb::crc32c(p + kRecHeader, static_cast<size_t>(length)));
    if (crc != get_u32(p + kRecHeader + length)) {
      // When the header was found by searching this is a false match; otherwise a record
      // the board wrote damaged. Either way: search on from the next byte.
      if (!rec_found_) ++counters_.records_dropped;
      rec_found_ = false;
      rec_synced_ = false;
      ++at;
      continue;
    }
    rec_found_ = false;
    out_.record(p, whole);
    // rec_ always holds the last bytes received, so its start is data_offset_ - rec_.size().
    record_ends_.emplace_back(data_offset_ - rec_.size() + at + whole, whole);
    if (record_ends_.size() > kRecordEndsKept) record_ends_.pop_front();
    ++counters_.records;
    counters_.record_bytes += whole;
    at += whole;
  }
  rec_.erase(rec_.begin(), rec_.begin() + static_cast<std::ptrdiff_t>(at));
}

}  // namespace tinytb_tool
