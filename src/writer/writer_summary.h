// tinytb (internal): the summary a logging call hands to EventWriterBase::log_summary().
// Every src/writer/log_*.cc includes this instead of redefining it.
#ifndef TINYTB_SRC_WRITER_SUMMARY_H_
#define TINYTB_SRC_WRITER_SUMMARY_H_

#include "format/event.h"
#include "summary/summary.h"
#include "tinytb/writer/event_writer.h"

namespace tinytb {

struct EventWriterBase::Summary {
  detail::SummarySpec spec;
  // Optional work once the queue has room for the record (images compressed straight into
  // the queue): summary/summary.h.
  detail::PlaceHook place;
  // Optional work before a record larger than the queue is streamed (summary/summary.h).
  detail::StreamHook stream;
  // The two heavy paths, each linked only into a build whose calls can need it, the way
  // lodepng is (docs/firmware.md, "Scalars and text without nanopb"): nanopb's encoder for
  // event shapes the direct one does not write (format/event.h), and records larger than
  // the queue streamed to the sink (stream_record.cc). The image, histogram, audio, hparams
  // and top-k calls (their own .cc files) take both: use_full_path(). Scalars and text take
  // neither: their events are direct, and a text record beyond the queue is kTooLarge (a
  // scalar always fits: EventWriter's static_assert).
  const detail::EventCodec* general = nullptr;
  Status (EventWriterBase::*streamer)(size_t slot, int64_t step, detail::EventSpec& event, Summary& summary) = nullptr;
  void use_full_path() {
    general = &detail::kGeneralCodec;
    streamer = &EventWriterBase::stream_record;
  }
};

}  // namespace tinytb

#endif  // TINYTB_SRC_WRITER_SUMMARY_H_
