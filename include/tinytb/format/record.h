// tinytb: TFRecord framing.
//
//   u64 length | u32 masked CRC-32C(length bytes) | payload | u32 masked CRC-32C(payload)
//
// all little-endian. A framed record is built in place: the payload is encoded at
// buffer + kRecordHeaderBytes, then frame_record() fills the header and the trailer.
#ifndef TINYTB_RECORD_H_
#define TINYTB_RECORD_H_

#include <stddef.h>
#include <stdint.h>

namespace tinytb {

constexpr size_t kRecordHeaderBytes = 12;
constexpr size_t kRecordTrailerBytes = 4;
constexpr size_t kRecordOverheadBytes = kRecordHeaderBytes + kRecordTrailerBytes;

// `record` points at kRecordOverheadBytes + payload_size bytes whose payload is already
// at record + kRecordHeaderBytes. Writes the 12-byte header and the 4-byte trailer.
void frame_record(uint8_t* record, size_t payload_size);

}  // namespace tinytb

#endif  // TINYTB_RECORD_H_
