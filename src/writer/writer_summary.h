// tinytb (internal): the summary a logging call hands to EventWriterBase::log_summary().
// Every src/*.cc that adds a logging method includes this instead of redefining it.
#ifndef TINYTB_SRC_WRITER_SUMMARY_H_
#define TINYTB_SRC_WRITER_SUMMARY_H_

#include "summary/summary.h"
#include "tinytb/writer/event_writer.h"

namespace tinytb {

struct EventWriterBase::Summary {
  detail::SummarySpec spec;
  // Optional: called once the queue has room for the record at its largest (as sized
  // with the blobs' at() answers at that time), before the record is sized again and
  // encoded. `payload` is where the record's payload will start, `bytes` that largest
  // payload. Images compressed by tinytb's deflate are written there (src/png/png_batch.h);
  // a failure is returned as it is and nothing is queued.
  Status (*place)(void* context, uint8_t* payload, size_t bytes) = nullptr;
  void* place_context = nullptr;
};

}  // namespace tinytb

#endif  // TINYTB_SRC_WRITER_SUMMARY_H_
