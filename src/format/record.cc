// tinytb: TFRecord framing, built in place.
#include "tinytb/format/record.h"

#include "base/bytes.h"
#include "tinytb/format/crc32c.h"

namespace tinytb {

using detail::put_le32;

void frame_record(uint8_t* record, size_t payload_size) {
  detail::put_le64(record, payload_size);
  put_le32(record + 8, mask_crc(crc32c(record, 8)));
  const uint8_t* payload = record + kRecordHeaderBytes;
  put_le32(record + kRecordHeaderBytes + payload_size, mask_crc(crc32c(payload, payload_size)));
}

}  // namespace tinytb
