// tinytb: writer.text_top_k(): the ranking and its table (src/summary/top_k.cc), with
// labels bounded by the queue, then log_summary().
#include "summary/summary.h"
#include "tinytb/writer/event_writer.h"
#include "writer/writer_summary.h"

namespace tinytb {

Status EventWriterBase::log_top_k(detail::TagRef tag, int64_t step, const Values& scores, const char* const* labels,
                                  size_t k) {
  // The cell producers read `top` while log_summary() encodes the event.
  detail::TopK top;
  Summary summary;
  summary.use_full_path();
  const Status s = detail::make_top_k(scores, labels, k, queue_cap_, &top, &summary.spec);
  if (s != Status::kOk) return s;
  return log_summary(tag, step, summary);
}

Status EventWriterBase::text_top_k(const char* tag, int64_t step, const Values& scores, const char* const* labels,
                                   size_t k) {
  return log_top_k(detail::TagRef{nullptr, tag}, step, scores, labels, k);
}

Status Scope::text_top_k(const char* name, int64_t step, const Values& scores, const char* const* labels, size_t k) {
  if (status_ != Status::kOk) return status_;
  return writer_->log_top_k(ref(name), step, scores, labels, k);
}

}  // namespace tinytb
