// tinytb (internal): the summary a logging call hands to EventWriterBase::log_summary().
// Every src/writer/log_*.cc includes this instead of redefining it.
#ifndef TINYTB_SRC_WRITER_SUMMARY_H_
#define TINYTB_SRC_WRITER_SUMMARY_H_

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
};

}  // namespace tinytb

#endif  // TINYTB_SRC_WRITER_SUMMARY_H_
