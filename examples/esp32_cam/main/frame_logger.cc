// examples/esp32_cam: logging one camera frame (frame_logger.h).
#include "frame_logger.h"

namespace cam {

tinytb::Status log_frame(tinytb::EventWriterBase& writer, Png& png, const Frame& frame, int64_t step) {
  if (frame.data == nullptr || frame.size == 0) return tinytb::Status::kInvalidArgument;
  tinytb::Status status = tinytb::Status::kInvalidArgument;
  switch (frame.format) {
    case FrameFormat::kJpeg: {
      tinytb::EncodedImage jpeg;
      jpeg.data = frame.data;
      jpeg.size = frame.size;
      status = writer.encoded_image(kFrameTag, step, jpeg, frame.width, frame.height);
      break;
    }
    case FrameFormat::kRgb565:
    case FrameFormat::kGrayscale: {
      const bool rgb = frame.format == FrameFormat::kRgb565;
      const size_t need = static_cast<size_t>(frame.width) * frame.height * (rgb ? 2u : 1u);
      if (frame.size < need) return tinytb::Status::kInvalidArgument;
      const auto view = tinytb::ImageView::frame(rgb ? tinytb::PixelFormat::kRgb565Be : tinytb::PixelFormat::kGray8,
                                                 frame.data, frame.width, frame.height);
      status = writer.image(kFrameTag, step, view, png);
      break;
    }
  }
  if (status != tinytb::Status::kOk) return status;
  return writer.scalar("camera/frame_bytes", step, frame.size);
}

}  // namespace cam
