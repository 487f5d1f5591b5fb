// tinytb: writer.histogram(): the histogram's tensor (src/summary/histogram.cc) through
// log_summary().
#include "summary/summary.h"
#include "tinytb/writer/event_writer.h"
#include "writer/writer_summary.h"

namespace tinytb {

Status EventWriterBase::log_histogram(detail::TagRef tag, int64_t step, const HistogramBase& histogram) {
  Summary summary;
  summary.use_full_path();
  if (classic_form()) {
    detail::make_classic_histogram(histogram, &summary.spec);
  } else {
    detail::make_histogram(histogram, &summary.spec);
  }
  return log_summary(tag, step, summary);
}

Status EventWriterBase::histogram(const char* tag, int64_t step, const HistogramBase& histogram) {
  return log_histogram(detail::TagRef{nullptr, tag}, step, histogram);
}

Status Scope::histogram(const char* name, int64_t step, const HistogramBase& histogram) {
  if (status_ != Status::kOk) return status_;
  return writer_->log_histogram(ref(name), step, histogram);
}

}  // namespace tinytb
