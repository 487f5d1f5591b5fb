// tinytb port: stream the event file over a byte link (UART, USB CDC, SEGGER RTT, a TCP
// socket) to `tinytb recv` on a host, which writes the TensorBoard files there.
//
//   struct UartLink : tinytb::ByteLink {                    // the application's link
//     tinytb::Status send(const uint8_t* d, size_t n) override { uart_write_all(d, n); return tinytb::Status::kOk; }
//   };
//   static UartLink link;
//   static tinytb::StreamSink sink(link, session_id, "cam-01");   // session_id: new on every boot
//   (void)writer.open(sink, options);                       // then log as with any other sink
//
// The wire format, byte by byte, and why it is shaped so: docs/streaming.md. In short,
// every call of the Sink interface becomes one or more frames
//
//   marker E7 5A | version | type | u16 length | u32 session | u32 sequence | u32 header CRC | payload | u32 payload CRC
//
// (little-endian, CRC-32C), with at most kStreamMaxPayload payload bytes per frame, so a
// receiver resynchronises after lost, inserted or garbled bytes and holds at most one
// frame plus the record it is rebuilding. The receiver writes only whole records whose
// TFRecord CRCs check; a record that loses a byte on the link is dropped and counted,
// never written damaged.
//
// Memory: no buffer. The sink sends its 18-byte header from the stack, then the writer's
// bytes straight from the writer's queue, then the 4-byte CRC; the CRC-32C costs one
// pass over the bytes (the writer computes its own record CRCs separately).
//
// Threads: like the writer, one task at a time. The link is only used during calls.
#ifndef TINYTB_PORTS_STREAM_SINK_H_
#define TINYTB_PORTS_STREAM_SINK_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/status.h"
#include "tinytb/writer/sink.h"

namespace tinytb {

// ---- the wire format (docs/streaming.md, "Wire format") ----------------------------------

constexpr uint8_t kStreamMarker0 = 0xE7;
constexpr uint8_t kStreamMarker1 = 0x5A;
constexpr uint8_t kStreamVersion = 1;
constexpr size_t kStreamHeaderBytes = 18;   // marker(2) version(1) type(1) length(2) session(4) sequence(4) header CRC(4)
constexpr size_t kStreamTrailerBytes = 4;   // CRC-32C of the payload (of zero bytes: 0)
constexpr size_t kStreamMaxPayload = 16384;  // a longer write() is split; the receiver rejects longer frames
constexpr size_t kStreamMaxBoardLen = 32;   // the board name in an open frame

enum class StreamFrameType : uint8_t {
  kOpen = 1,      // payload: u8 B, board[B], u8 D, dir[D], u8 F, file name[F] (the next file starts)
  kData = 2,      // payload: the next bytes of the file
  kSync = 3,      // no payload: the board asks the receiver to fsync now (sent only with set_sync_frames(true))
  kTruncate = 4,  // payload: u64 size, u32 first failed frame; the writer cut a failed write back
  kClose = 5,     // no payload: the file ends; a partial record at this point is dropped
};

// ---- the application's side ----------------------------------------------------------------

// The byte link. The application derives from it (no pure virtual functions and no
// virtual destructor on purpose, as in sink.h).
class ByteLink {
 public:
  // Send exactly `size` bytes (size > 0), in order, blocking until the link has taken
  // them all (a UART's FIFO or DMA buffer counts as taken). Bytes are only read during
  // the call. The sink calls it three times per frame (header, payload, trailer): a link
  // that prefers fewer, larger transfers may gather them, as long as it keeps the order.
  // On kIoError (link down, timeout) the sink reports the write as failed; bytes already
  // sent stay sent, and the receiver drops the record they belonged to.
  virtual Status send(const uint8_t* data, size_t size) {
    (void)data;
    (void)size;
    return Status::kUnsupported;
  }

  // Push out anything the link still holds (a USB CDC or TCP buffer). Called after a
  // writer's sync (with or without a sync frame) and after a close frame. The default
  // does nothing, right for a UART.
  virtual Status flush() { return Status::kOk; }

 protected:
  ByteLink() = default;
  ByteLink(const ByteLink&) = default;
  ByteLink& operator=(const ByteLink&) = default;
  ~ByteLink() = default;
};

// A Sink that frames the writer's bytes onto a ByteLink.
//
// session_id: a number new on every boot (a hardware random number, or a boot counter
// kept in non-volatile memory mixed with a free-running timer). The receiver starts a
// new file when it changes, and uses it to name the run when `board` is empty.
// board: the run's name on the host ([A-Za-z0-9_.-], at most kStreamMaxBoardLen bytes,
// may be empty); the pointer is kept and must outlive the sink.
//
// Contract differences from a file sink (sink.h), all because the file lives on the host:
//  - open() never fails with kExists (the receiver picks the host file name); it sends
//    an open frame. Sequence numbers run on across files of one session.
//  - write() succeeds once the link took every frame; it says nothing about the host.
//  - sync() flushes the link and returns: the board cannot observe durability on the
//    host (the link has no acknowledgement), so the receiver fsyncs on its own schedule
//    (about once a second while records arrive, and at every file end). With
//    set_sync_frames(true) sync() first sends a sync frame, on which the receiver fsyncs
//    at once; that costs 22 link bytes per sync (with the writer's default sync_every = 1,
//    one per flush: about 0.5 % of a 96x96 image flush).
//  - truncate() sends a truncate frame: the receiver drops the partial record it holds and
//    withdraws whole records of the failed write, which the writer sends again.
// Errors: kNotOpen, kAlreadyOpen, kInvalidArgument (a bad board name), and the link's.
class StreamSink : public Sink {
 public:
  StreamSink(ByteLink& link, uint32_t session_id, const char* board)
      : link_(link), board_(board != nullptr ? board : ""), session_(session_id) {}

  Status open(const char* dir, const char* file_name) override;
  Status write(const uint8_t* data, size_t size) override;
  Status sync() override;
  Status truncate(uint64_t size) override;
  Status close() override;
  int32_t last_error() const override { return last_error_; }

  // Forward the writer's syncs to the receiver as sync frames (default: off, see above).
  void set_sync_frames(bool on) { sync_frames_ = on; }
  bool sync_frames() const { return sync_frames_; }

  bool is_open() const { return open_; }
  uint32_t session_id() const { return session_; }
  // Frames and bytes (framing included) handed to the link so far, for throughput figures.
  uint32_t frames_sent() const { return sequence_; }
  uint64_t link_bytes() const { return link_bytes_; }

 private:
  Status send_frame(StreamFrameType type, const uint8_t* payload, size_t size);
  Status send_frame2(StreamFrameType type, const uint8_t* head, size_t head_size, const uint8_t* payload,
                     size_t size);

  ByteLink& link_;
  const char* board_;
  uint32_t session_;
  uint32_t sequence_ = 0;
  uint32_t first_failed_ = 0;  // sequence number of the first frame the link failed since the last truncate
  bool failed_ = false;
  uint64_t link_bytes_ = 0;
  int32_t last_error_ = 0;
  bool open_ = false;
  bool sync_frames_ = false;
};

// Log to two sinks at once: the SD card (primary) and the link (secondary).
//
// The writer sees the primary: its status is what every call returns, and its file
// name is used. A failing secondary never stops the primary: its errors are counted
// (secondary_errors()) and it is tried again on the next call, since a stream receiver
// resynchronises on its own; a secondary whose open() failed sits out until the next
// open(). truncate() goes to both; a secondary that cannot truncate is counted, not
// fatal. Neither sink may be used elsewhere while the tee is open.
class TeeSink : public Sink {
 public:
  TeeSink(Sink& primary, Sink& secondary) : primary_(primary), secondary_(secondary) {}

  Status name_file(const FileNameParts& parts, char* out, size_t capacity) override {
    return primary_.name_file(parts, out, capacity);
  }
  Status open(const char* dir, const char* file_name) override;
  Status write(const uint8_t* data, size_t size) override;
  Status sync() override;
  Status truncate(uint64_t size) override;
  Status close() override;
  int32_t last_error() const override { return primary_.last_error(); }

  uint32_t secondary_errors() const { return secondary_errors_; }
  Status last_secondary_status() const { return last_secondary_; }

 private:
  void note(Status secondary);

  Sink& primary_;
  Sink& secondary_;
  uint32_t secondary_errors_ = 0;
  Status last_secondary_ = Status::kOk;
  bool secondary_open_ = false;
};

}  // namespace tinytb

#endif  // TINYTB_PORTS_STREAM_SINK_H_
