// tinytb (internal): the event layer. Encodes one Event (wall_time, step, and either
// the file_version or one summary value) straight into caller memory: by hand for the
// shapes scalars, text and the file_version have (event.cc, no nanopb), through nanopb
// for every other shape (event_general.cc), which the caller opts into per event
// (EventSpec::general) so that a build that never needs it links no nanopb.
#ifndef TINYTB_SRC_EVENT_H_
#define TINYTB_SRC_EVENT_H_

#include <stddef.h>
#include <stdint.h>

#include "format/summary_value.h"
#include "tinytb/config.h"

namespace tinytb {
namespace detail {

struct EventSpec;

// An encoder for every event shape: nanopb's (kGeneralCodec, event_general.cc).
struct EventCodec {
  bool (*size)(const EventSpec& event, size_t* size);
  bool (*encode)(const EventSpec& event, uint8_t* out, size_t size);
};
extern const EventCodec kGeneralCodec;

// What one Event carries besides its time and step.
struct EventSpec {
  uint64_t wall_time_bits = 0;  // Event.wall_time, the double's bits (0: left out)
  int64_t step = 0;
  const SummarySpec* summary = nullptr;  // null: a file_version event
  // The encoder for an event the direct path does not write (is_direct_event() false);
  // null: event_size() and encode_event() fail for such an event. Whoever builds a shape
  // other than a scalar or a string tensor sets &kGeneralCodec (the writer: its image,
  // histogram, audio, hparams and top-k calls, src/writer/writer_summary.h).
  const EventCodec* general = nullptr;
};

// The file_version every event file starts with.
constexpr const char kFileVersion[] = "brain.Event:2";

// Exact size of the serialized Event. False if the event is not direct and has no
// `general` encoder, or that encoder's sizing pass fails.
bool event_size(const EventSpec& event, size_t* size);

// Serialize the Event into out[0, size) where size came from event_size().
// False if the encoder fails or the output would not be exactly `size` bytes.
bool encode_event(const EventSpec& event, uint8_t* out, size_t size);

// Where a streamed event's bytes go: write() takes all `size` bytes or returns false
// (the encoding stops there).
struct EventOut {
  bool (*write)(void* context, const uint8_t* data, size_t size) = nullptr;
  void* context = nullptr;
};

// The same bytes as encode_event(), `size` of them (from event_size()), handed to `out`
// in pieces as they are encoded instead of into one buffer: for a record larger than
// the writer's queue. Blobs are produced once, while they are written. False if `out`
// failed, a producer failed, or the bytes were not exactly `size`. Through nanopb for
// every shape (event_general.cc), as are the split functions below.
bool encode_event_stream(const EventSpec& event, size_t size, EventOut out);

// The same event in two steps, so that produced strings (a PNG compressed while it is
// written) run at the caller's stack depth instead of deep inside nanopb's nested
// messages. encode_event_split() encodes the event into scratch[0, scratch_bytes) with
// every produced string left out as a hole: the bytes between the holes ("gap bytes")
// from scratch[0] up, one EventHole record per hole from the end down. False when they
// do not fit (then use encode_event_stream()) or the encoder fails. Afterwards the event
// is: gap bytes up to hole 0's offset, hole 0's bytes (produce_hole()), gap bytes up to
// hole 1's offset, ..., the rest of the gap bytes.
struct EventHole {
  bool (*produce)(const void* context, size_t index, ByteOut* out);
  const void* context;
  size_t index;
  size_t size;    // bytes the hole holds
  size_t offset;  // gap bytes before it
};
struct EventSplit {
  uint8_t* scratch = nullptr;
  size_t scratch_bytes = 0;
  size_t gap_bytes = 0;  // scratch[0, gap_bytes)
  size_t holes = 0;      // records in scratch[scratch_bytes - holes * sizeof(EventHole), scratch_bytes)
  EventHole hole(size_t i) const;
  // The first byte the records take: scratch[gap_bytes, records_start()) is free again.
  size_t records_start() const { return scratch_bytes - holes * sizeof(EventHole); }
};
bool encode_event_split(const EventSpec& event, size_t size, uint8_t* scratch, size_t scratch_bytes,
                        EventSplit* split);
// Hole `hole`'s bytes, exactly hole.size of them, through `out`.
bool produce_hole(const EventHole& hole, EventOut out);

// event_size() and encode_event() take a direct path (hand-written bytes, no nanopb:
// docs/firmware.md, "Scalars and text without nanopb") for an event of one of these shapes:
// - the file_version event (summary null);
// - a scalar: a classic simple_value (ValueKind::kSimple), or a tensor-form summary of one
//   DT_FLOAT value of rank 0 with no strings or tensor_content;
// - a string tensor: a tensor-form summary of DT_STRING of any rank, its strings in
//   memory or produced, no floats or tensor_content (text, Markdown tables, top-k tables,
//   tensor-form images and audio).
// In both summary shapes the plugin content, if any, must be in memory (not produced) and
// data_class below 0x80. is_direct_event() says whether an event has one of these shapes;
// any other goes to event.general. The general functions below always go through nanopb;
// they are the reference the direct path must match byte for byte
// (tests/format/event_direct_test.cc, tests/fuzz/event_direct_fuzz.cc).
bool is_direct_event(const EventSpec& event);
bool event_size_general(const EventSpec& event, size_t* size);
bool encode_event_general(const EventSpec& event, uint8_t* out, size_t size);

#if !TINYTB_SMALL_TARGET
// The classic scalar (a Summary.Value of `tag` and simple_value, no metadata) in one pass,
// for the writer's host fast path (docs/bench.md, "What the scalar path spends"): the same
// bytes encode_event() writes for such an event (tests/format/event_direct_test.cc holds
// them equal). simple_scalar_event_bytes() is the payload's size; encode_simple_scalar()
// writes exactly that many bytes at out. Not built for microcontrollers, where the
// general direct path above is the only one, so it costs them no flash.
// encode_simple_scalar() returns the bytes it wrote (simple_scalar_event_bytes()'s size),
// at most tag_len + kSimpleScalarFixedMax.
size_t simple_scalar_event_bytes(uint64_t wall_time_bits, int64_t step, size_t tag_len);
size_t encode_simple_scalar(uint8_t* out, uint64_t wall_time_bits, int64_t step, const char* tag, size_t tag_len,
                            float value);
// The bytes of a classic scalar's payload beyond its tag, at most: wall_time (1 + 8), step
// (1 + 10), three keys with a length prefix of up to 3 bytes each (tags up to 2^14 bytes
// need 2), simple_value (1 + 4).
constexpr size_t kSimpleScalarFixedMax = 9 + 11 + 3 * (1 + 3) + 5;
#endif

}  // namespace detail
}  // namespace tinytb

#endif  // TINYTB_SRC_EVENT_H_
