// tinytb demo, debugging the model rather than the logs (docs/debugging.md, docs/hparams.md):
//
//   esp32s3-cam/flight          a flight recorder keeps the last 8 camera frames and the
//                               model's two outputs; the room darkens, the model's top score
//                               drops below 0.7, and the trigger writes the frames that led
//                               up to it under flight/low_confidence/ (frame, score, outputs,
//                               note). Nothing is written before the trigger.
//   esp32s3-cam/layers/int8     a small convolutional network (conv 3x3 x4 + ReLU, max-pool,
//   esp32s3-cam/layers/float32  global average, dense) run on the real person frame at three
//                               light levels, in int8 (TFLM's quantisation arithmetic) and in
//                               float32 (the reference): every layer's output through the
//                               tensor inspector's layer-by-layer mode (statistics, histogram,
//                               channels image) under layers/<NN>_<name>/
// `make demo` then runs `tinytb compare` on the two layer runs, which writes
// esp32s3-cam/layers/int8_vs_float32 (docs/tools.md).
#ifndef TINYTB_EXAMPLES_POSIX_DEMO_DEBUG_BOARD_H_
#define TINYTB_EXAMPLES_POSIX_DEMO_DEBUG_BOARD_H_

#include <stddef.h>
#include <stdint.h>

namespace debug_board {

struct Result {
  int64_t trigger_step;   // the frame that fired the trigger (-1: none)
  int64_t first_kept;     // the oldest frame the trigger wrote
  uint32_t frames_written;
  size_t recorder_bytes;  // the flight recorder's RAM
  uint32_t layer_records; // values the two layer runs logged
};

// Logs the three runs under <logdir>/esp32s3-cam/. Exits the program with a message on any
// error, like the rest of the demo.
void run(const char* logdir, Result* result);

}  // namespace debug_board

#endif  // TINYTB_EXAMPLES_POSIX_DEMO_DEBUG_BOARD_H_
