// tinytb: writer.image(s) and encoded_image(s): image summaries (src/summary/image_summary.cc)
// through log_summary().
#include "summary/image_summary.h"
#include "tinytb/writer/event_writer.h"
#include "writer/writer_summary.h"

namespace tinytb {

Status EventWriterBase::log_images(detail::TagRef tag, int64_t step, const ImageView* views, size_t count,
                                   PngEncoderBase& png) {
  if (!is_open()) return Status::kNotOpen;  // before the encoder is taken
  // The PNG strings read `source` while log_summary() sizes, places and encodes the event.
  detail::ImageSource source;
  Summary summary;
  summary.use_full_path();
  const Status s = detail::make_images(png, views, count, &source, &summary.spec, &summary.place, &summary.stream);
  if (s != Status::kOk) return s;
  if (classic_form()) {
    detail::make_classic_images(source.batch.width, source.batch.height, source.batch.channels, &summary.spec);
  }
  return detail::end_images(&source, log_summary(tag, step, summary));
}

Status EventWriterBase::log_encoded_images(detail::TagRef tag, int64_t step, const EncodedImage* images,
                                           size_t count, uint32_t width, uint32_t height) {
  detail::EncodedSource source;
  Summary summary;
  summary.use_full_path();
  const Status s = detail::make_encoded_images(images, count, width, height, &source, &summary.spec);
  if (s != Status::kOk) return s;
  if (classic_form()) {
    detail::make_classic_images(width, height, detail::encoded_colorspace(images[0].data, images[0].size),
                                &summary.spec);
  }
  return log_summary(tag, step, summary);
}

Status EventWriterBase::image(const char* tag, int64_t step, const ImageView& view, PngEncoderBase& png) {
  return log_images(detail::TagRef{nullptr, tag}, step, &view, 1, png);
}

Status EventWriterBase::images(const char* tag, int64_t step, const ImageView* views, size_t count,
                               PngEncoderBase& png) {
  return log_images(detail::TagRef{nullptr, tag}, step, views, count, png);
}

Status EventWriterBase::encoded_image(const char* tag, int64_t step, const EncodedImage& image, uint32_t width,
                                      uint32_t height) {
  return log_encoded_images(detail::TagRef{nullptr, tag}, step, &image, 1, width, height);
}

Status EventWriterBase::encoded_images(const char* tag, int64_t step, const EncodedImage* images, size_t count,
                                       uint32_t width, uint32_t height) {
  return log_encoded_images(detail::TagRef{nullptr, tag}, step, images, count, width, height);
}

Status Scope::image(const char* name, int64_t step, const ImageView& view, PngEncoderBase& png) {
  if (status_ != Status::kOk) return status_;
  return writer_->log_images(ref(name), step, &view, 1, png);
}

Status Scope::images(const char* name, int64_t step, const ImageView* views, size_t count, PngEncoderBase& png) {
  if (status_ != Status::kOk) return status_;
  return writer_->log_images(ref(name), step, views, count, png);
}

Status Scope::encoded_image(const char* name, int64_t step, const EncodedImage& image, uint32_t width,
                            uint32_t height) {
  if (status_ != Status::kOk) return status_;
  return writer_->log_encoded_images(ref(name), step, &image, 1, width, height);
}

Status Scope::encoded_images(const char* name, int64_t step, const EncodedImage* images, size_t count,
                             uint32_t width, uint32_t height) {
  if (status_ != Status::kOk) return status_;
  return writer_->log_encoded_images(ref(name), step, images, count, width, height);
}

}  // namespace tinytb
