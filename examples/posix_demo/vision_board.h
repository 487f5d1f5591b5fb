// tinytb demo, third board: what TensorBoard tutorials plot with matplotlib, drawn on the
// device (include/tinytb/render/charts.h) into static canvases and logged as images.
//
// An STM32H7 camera board (OpenMV-class: 1 MB SRAM, 32 MB SDRAM for frame and canvas
// buffers) trains a small digit classifier on the device for 10 epochs and runs its vision
// models on the 96x96 camera frame. Epoch n is step n (1..10). The run
// "stm32h7-cam/vision" logs, after every epoch:
//
//   eval/confusion_matrix        the digit classifier on its 1000-sample eval set: counts
//                                in, cells shaded by row-normalised value, the values
//                                written in; it sharpens as training goes on
//   eval/accuracy                scalar: the same eval, the diagonal over the total
//   camera/grid                  5x5 grid of the training inputs: the five real MNIST
//                                samples (mnist_samples.h) as they are and augmented
//                                (shifted right, shifted down, mirrored, turned 90
//                                degrees), labelled with what was done; the shift grows
//                                1..3 px with the epoch
//   model/feature_maps           the 8 channels of the first conv layer (3x3, stride 2,
//                                int8 output) over the real camera frame
//                                (person_96x96_gray_clean.bmp), tiled with viridis; the
//                                filters go from their random initialisation to edge
//                                detectors
//   camera/detections            the frame at 2x with the detector's boxes, class and
//                                score, and the person's instance mask blended inside
//                                its box; the box settles and its score rises, and an
//                                early false positive (a ceiling light taken for a
//                                lamp) drops below the threshold
//   pix2pix/input_output_truth   edges of the frame | the generator's output | the frame:
//                                the output sharpens towards the truth but stays a
//                                guess (softer, flatter, blotchy)
//
// What is simulated: the training (confusion counts, filter weights, boxes, scores, the
// mask and the generator's output follow fixed schedules from a seeded generator). What
// is real: the inputs (MNIST digits, the camera frame), the convolution, every pixel the
// renderer draws, and the logging, with static buffers and every Status checked.
#ifndef TINYTB_EXAMPLES_POSIX_DEMO_VISION_BOARD_H_
#define TINYTB_EXAMPLES_POSIX_DEMO_VISION_BOARD_H_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

namespace vision_board {

struct Result {
  char file[320];           // the event file written
  uint64_t bytes;           // its size
  uint32_t records;         // records in it, file_version included
  size_t queue_high_water;  // the writer's queue high-water mark
  size_t queue_capacity;
  size_t canvas_bytes;      // RAM of the two canvases
  size_t png_arena_bytes;   // RAM of the PNG encoder's arena
  size_t png_arena_used;    // the most of it an image needed
};

// Logs the run under `logdir`. Exits the program on any error (it is a demo).
void run(const char* logdir, Result* result);

// Writes the run's manifest entry (`"stm32h7-cam/vision": {...}`, tests/tensorboard/manifest.h's
// format plus the "images" kind of tests/tensorboard/images.py) to `f`. Every image is drawn
// again from its step and its pixels saved as a raw file in "vision-images/" beside the
// manifest: the judge reads them to know what each PNG must hold. False on an I/O error.
bool write_manifest_run(FILE* f, const char* manifest_path);

}  // namespace vision_board

#endif  // TINYTB_EXAMPLES_POSIX_DEMO_VISION_BOARD_H_
