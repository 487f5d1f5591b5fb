// tinytb: writer.audio(): clips checked against the queue and turned into WAV strings
// (src/summary/audio.cc), then log_summary().
#include "summary/summary.h"
#include "tinytb/writer/event_writer.h"
#include "writer/writer_summary.h"

namespace tinytb {

Status EventWriterBase::log_audio(detail::TagRef tag, int64_t step, const AudioClip* clips, size_t count,
                                  uint32_t sample_rate, uint16_t channels) {
  // The WAV producers read `source` while log_summary() encodes the event.
  detail::AudioSource source;
  Summary summary;
  summary.use_full_path();
  // A record beyond the queue streams to the sink (stream_record.cc): the limit is a file's.
  const size_t most = rotate_bytes_ != 0 && rotate_bytes_ < SIZE_MAX ? static_cast<size_t>(rotate_bytes_) : SIZE_MAX;
  const Status s = detail::make_audio(clips, count, sample_rate, channels, most, &source, &summary.spec);
  if (s != Status::kOk) return s;
  if (classic_form()) detail::make_classic_audio(&summary.spec);
  return log_summary(tag, step, summary);
}

Status EventWriterBase::audio(const char* tag, int64_t step, const AudioClip* clips, size_t count,
                              uint32_t sample_rate, uint16_t channels) {
  return log_audio(detail::TagRef{nullptr, tag}, step, clips, count, sample_rate, channels);
}

Status Scope::audio(const char* name, int64_t step, const AudioClip* clips, size_t count, uint32_t sample_rate,
                    uint16_t channels) {
  if (status_ != Status::kOk) return status_;
  return writer_->log_audio(ref(name), step, clips, count, sample_rate, channels);
}

}  // namespace tinytb
