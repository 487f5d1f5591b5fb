// tinytb (internal): the event layer. Encodes one Event (wall_time, step, and either
// the file_version or one summary value) with nanopb, straight into caller memory.
#ifndef TINYTB_SRC_EVENT_H_
#define TINYTB_SRC_EVENT_H_

#include <stddef.h>
#include <stdint.h>

#include "format/summary_value.h"

namespace tinytb {
namespace detail {

// What one Event carries besides its time and step.
struct EventSpec {
  double wall_time = 0.0;
  int64_t step = 0;
  const SummarySpec* summary = nullptr;  // null: a file_version event
};

// The file_version every event file starts with.
constexpr const char kFileVersion[] = "brain.Event:2";

// Exact size of the serialized Event. False if nanopb's sizing pass fails.
bool event_size(const EventSpec& event, size_t* size);

// Serialize the Event into out[0, size) where size came from event_size().
// False if the encoder fails or the output would not be exactly `size` bytes.
bool encode_event(const EventSpec& event, uint8_t* out, size_t size);

// The two functions above take a direct path (hand-written bytes, no nanopb) for an
// event of the scalar shape: a classic simple_value (ValueKind::kSimple), or a summary of
// one DT_FLOAT value of rank 0 with no strings
// or tensor_content. is_direct_event() says whether an event has that shape. The
// general functions below always go through nanopb; they are the reference the direct
// path must match byte for byte (tests/format/event_direct_test.cc).
bool is_direct_event(const EventSpec& event);
bool event_size_general(const EventSpec& event, size_t* size);
bool encode_event_general(const EventSpec& event, uint8_t* out, size_t size);

}  // namespace detail
}  // namespace tinytb

#endif  // TINYTB_SRC_EVENT_H_
