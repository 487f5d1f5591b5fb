// tinytb demo, the camera of the person-detection board: raw frames and model tensors
// logged as images, straight from the buffers a camera driver and TensorFlow Lite Micro
// fill (include/tinytb/image/image_view.h, png_encoder.h; docs/images.md).
//
// The same ESP32-S3 camera board as the esp32s3-cam/int8 and float32 runs; one step is
// one camera frame, 200 steps, the same timeline (someone in view from step 40 to 119,
// the lights dim at step 150). The run "esp32s3-cam/camera" logs, every 20 steps:
//
//   camera/frame        the 96x96 gray frame the model saw: the real TFLM test frame
//                       with its int8 wrap undone (person_96x96_gray_clean.bmp), read in
//                       place from the BMP's bottom-up rows (a negative row stride, no
//                       copy); darker once the lights dim
//   model/input_int8    the model's int8 input tensor (pixel - 128; scale 1/256, zero
//                       point -128), shown as tf.summary.image would show its reals
//   model/feature_map   4 samples: channels 0-3 of a 48x48x8 float32 feature map (CHW)
//                       computed from that input, each normalised to its own min/max
//   camera/pan          a camera panning across a scene: a 320x240 window sliding over
//                       a 768x512 RGB565 (big-endian) frame, halved to 160x120, cropped
//                       and scaled by tinytb while encoding (the photograph
//                       kodim23_768x512_rgb.png is the scene)
// and at steps 0, 60, 120 and 180:
//   camera/qqvga        the photograph cropped and scaled to 160x120 and packed RGB565
//                       big-endian, the way an ESP32 camera driver delivers QQVGA
//
// Three encoders, as a board would size them: 96x96 gray stored (the MCU configuration,
// about 1 KiB of arena), 160x120 RGB compressed and 48x48 gray compressed x4 (PSRAM).
#ifndef TINYTB_EXAMPLES_POSIX_DEMO_CAMERA_BOARD_H_
#define TINYTB_EXAMPLES_POSIX_DEMO_CAMERA_BOARD_H_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

namespace camera_board {

struct Result {
  char file[320];           // the event file written
  uint64_t bytes;           // its size
  uint32_t records;         // records in it, file_version included
  uint32_t images;          // images logged
  size_t queue_high_water;  // the writer's queue high-water mark, and its capacity
  size_t queue_capacity;
  size_t arena_used[3];     // arena high water of the stored, RGB and feature-map encoders
  size_t arena_bytes[3];    // and their arenas
};

// Logs the session under <logdir>/esp32s3-cam/camera. Exits the program with a message
// on any error (a missing data file, a refused value), like the rest of the demo.
void run(const char* logdir, Result* result);

// The run's entry of the demo's --manifest: "esp32s3-cam/camera": {...} (no comma
// before). The bytes each image was made from go to "<manifest's folder>/camera-images/".
bool write_manifest_run(FILE* f, const char* manifest_path);

}  // namespace camera_board

#endif  // TINYTB_EXAMPLES_POSIX_DEMO_CAMERA_BOARD_H_
