// tinytb demo, second board: keyword spotting on an ESP32-S3-EYE (camera + microphone).
//
// TensorFlow Lite Micro's micro_speech idea with the 12 Speech Commands classes: the
// board listens in 1 s windows (16 kHz mono int16) and one window is one step. The run
// "esp32s3-eye/kws" logs real data from examples/data (or $TINYTB_DEMO_DATA):
//
//   mic/window        audio: the window the model heard, the real "yes" clip
//                     (yes_1000ms.wav) when someone speaks, the real silence otherwise;
//                     its WAV bytes are the input file's bytes, header included
//   mic/agc           audio: a spoken window after the digital gain stage, as float,
//                     clipped at full scale (TensorFlow's float -> int16 rule)
//   mic/levels        histogram: the window's samples over the int16 range, 64 fixed
//                     buckets, fed in 512-sample DMA blocks (one pass)
//   kws/scores        histogram: the int8 softmax output (scale 1/256, zero point -128)
//   kws/top_classes   text: the 3 best classes and their scores (text_top_k)
//   kws/yes_score     scalar
//   camera/pixels     histogram: the 96x96 gray frame (person_96x96_gray_clean.bmp) under
//                     that step's auto-exposure, fed row by row in TF2's two passes
//
// The board is simulated (the scores and the exposure come from a seeded generator);
// the logging is what firmware would do: static writer and histograms, no heap, every
// Status checked.
#ifndef TINYTB_EXAMPLES_POSIX_DEMO_KWS_BOARD_H_
#define TINYTB_EXAMPLES_POSIX_DEMO_KWS_BOARD_H_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

namespace kws_board {

struct Result {
  char file[320];           // the event file written
  uint64_t bytes;           // its size
  uint32_t records;         // records in it, file_version included
  size_t queue_high_water;  // the writer's queue high-water mark
  size_t queue_capacity;    // and its capacity
  size_t writer_bytes;      // RAM of the writer (queue and tag table included)
  size_t histogram_bytes;   // RAM of the three histograms
};

// Logs the session under <logdir>/esp32s3-eye/kws. Exits the program with a message on
// any error (a missing data file, a refused value), like the rest of the demo.
void run(const char* logdir, Result* result);

// The run's entry of the demo's --manifest: "esp32s3-eye/kws": {...} (no comma before).
// The expected text tables are computed here again, with printf and a sort.
void write_manifest_run(FILE* f);

}  // namespace kws_board

#endif  // TINYTB_EXAMPLES_POSIX_DEMO_KWS_BOARD_H_
