// tinytb: TFRecord framing, built in place.
#include "tinytb/format/record.h"

#include "tinytb/format/crc32c.h"

namespace tinytb {
namespace {

void put_le32(uint8_t* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
}

}  // namespace

void frame_record(uint8_t* record, size_t payload_size) {
  const uint64_t length = payload_size;
  for (int i = 0; i < 8; ++i) record[i] = static_cast<uint8_t>(length >> (8 * i));
  put_le32(record + 8, mask_crc(crc32c(record, 8)));
  const uint8_t* payload = record + kRecordHeaderBytes;
  put_le32(record + kRecordHeaderBytes + payload_size, mask_crc(crc32c(payload, payload_size)));
}

}  // namespace tinytb
