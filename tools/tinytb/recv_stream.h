// tinytb host tool: rebuild the event files a board streams (ports/stream, docs/streaming.md).
//
// Pure logic over bytes (no files, no sockets, no printing), so the receiver, the unit
// tests and the fuzzer share it. One StreamParser per link (a serial port, one TCP
// connection, a captured file): bytes in, in any split; whole records out, each one's
// TFRecord length CRC and payload CRC checked before it is handed on.
//
// Untrusted input (docs/security.md): no length field is trusted before its CRC, frames
// are at most kStreamMaxPayload bytes, a record is at most Options::max_record bytes, so
// memory stays below one frame plus one record plus the caller's largest feed() whatever
// the bytes say. Time is linear in the input, except that after a gap every record
// header that passes its length CRC is tried (its payload CRC checked) before the search
// moves on: forged headers cost their own length each.
#ifndef TINYTB_TOOLS_RECV_STREAM_H_
#define TINYTB_TOOLS_RECV_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

namespace tinytb_tool {

// What happened on one link. "Frames" are stream frames, "records" TFRecords.
struct RecvCounters {
  uint64_t bytes_in = 0;         // every byte fed
  uint64_t frames = 0;           // valid frames taken (header and payload CRCs check, in sequence)
  uint64_t frames_lost = 0;      // sequence numbers never seen (gaps), incl. frames before a late start
  uint64_t duplicates = 0;       // valid frames at or behind the expected sequence, or of an ended session: dropped
  uint64_t crc_failures = 0;     // a header whose CRC checks but whose payload CRC fails (or bad version, type, length)
  uint64_t resyncs = 0;          // valid frames found after bytes that were not part of a valid frame
  uint64_t bytes_skipped = 0;    // bytes not part of any valid frame (garbage, damaged frames)
  uint64_t records = 0;          // whole records handed on
  uint64_t record_bytes = 0;     // their bytes, framing included
  uint64_t records_dropped = 0;  // records started and never finished because of a gap, a close or damage
  uint64_t records_withdrawn = 0;  // whole records removed again because the board truncated after them
  uint64_t truncates_unmatched = 0;  // truncate frames after a gap: the records they cut could not be known
  uint64_t records_too_large = 0;  // records above max_record, skipped
  uint64_t sessions = 0;         // sessions seen (a board reboot is a new one)
  uint64_t files = 0;            // files begun
};

// Where the parser's results go. Calls come in stream order.
class RecvOutput {
 public:
  virtual ~RecvOutput() = default;
  // A new file of `session`. board, dir and name are as the board sent them (untrusted:
  // any bytes, up to 255 each), empty when the open frame was lost and data came first.
  virtual void begin_file(uint32_t session, const std::string& board, const std::string& dir,
                          const std::string& name) = 0;
  // One whole record (TFRecord framing included), both CRCs checked. Only between
  // begin_file() and end_file().
  virtual void record(const uint8_t* data, size_t size) = 0;
  // The board synced: make everything so far durable.
  virtual void sync() = 0;
  // The current file ends (close frame, new open frame, new session, end of input).
  virtual void end_file() = 0;
  // The board cut its file back (a failed write it will send again): remove the last
  // `count` records record() handed on in this file (and anything written after them).
  virtual void drop_last_records(size_t count) = 0;
};

class StreamParser {
 public:
  struct Options {
    uint64_t max_record = 64ull << 20;
  };
  explicit StreamParser(RecvOutput& out) : StreamParser(out, Options()) {}
  StreamParser(RecvOutput& out, const Options& options) : out_(out), options_(options) {}

  void feed(const uint8_t* data, size_t size);
  // End of input: bytes of an unfinished frame are skipped, an open file ends (its
  // unfinished record dropped).
  void finish();

  const RecvCounters& counters() const { return counters_; }
  bool file_open() const { return file_open_; }
  bool have_session() const { return have_session_; }
  uint32_t session() const { return session_; }
  // Bytes held right now (frame buffer plus record being rebuilt), for the memory bound.
  size_t buffered() const { return (buf_.size() - pos_) + rec_.size(); }

 private:
  void scan_frames();
  void take_frame(uint8_t type, uint32_t session, uint32_t sequence, const uint8_t* payload, size_t size);
  void open_file(uint32_t session, const std::string& board, const std::string& dir, const std::string& name);
  void close_file();
  void record_gap();
  void feed_records(const uint8_t* data, size_t size);
  void scan_records();
  void skip(size_t n);
  void truncate_to(uint64_t size, uint32_t first_failed);
  uint64_t max_length() const;

  RecvOutput& out_;
  Options options_;
  RecvCounters counters_;

  // Frame layer.
  std::vector<uint8_t> buf_;
  size_t pos_ = 0;              // first byte not consumed
  bool skipping_ = false;       // bytes were skipped since the last valid frame
  bool have_session_ = false;
  uint32_t session_ = 0;
  uint32_t expected_ = 0;       // next sequence number
  std::deque<uint32_t> ended_;  // recently ended sessions: their frames are stale

  // Record layer.
  bool file_open_ = false;
  std::vector<uint8_t> rec_;    // bytes of the record being rebuilt (or being searched)
  bool rec_synced_ = false;     // rec_ starts at a record boundary
  bool rec_found_ = false;      // ... found by searching after a gap, not yet proven by its CRC
  uint64_t rec_skip_ = 0;       // bytes of a too-large record still to skip
  // Where the board's file stands: data bytes received since the open frame (the board's
  // offset while no frame was lost since, lost_since_open_, from first_lost_ on); and the
  // end offsets of the last records handed on (for truncate frames).
  uint64_t data_offset_ = 0;
  bool lost_since_open_ = false;
  uint32_t first_lost_ = 0;
  uint64_t dropped_at_gaps_ = 0;  // records_dropped counted at gaps since the first loss
  std::deque<std::pair<uint64_t, uint64_t>> record_ends_;  // (end offset, record size)
};

}  // namespace tinytb_tool

#endif  // TINYTB_TOOLS_RECV_STREAM_H_
