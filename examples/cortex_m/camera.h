// tinytb Cortex-M firmware: the camera, played back from frames recorded on real sensors.
//
// A board's camera driver has DMA fill a frame buffer in RAM and hands it over; this one
// copies the frames from flash instead. Two sensors:
//   gray   the person-detection model's input, 96x96 8-bit (the TensorFlow Lite Micro
//          example's person.bmp), with a simulated auto-exposure ramp so that every frame
//          differs: pixel = min(255, (recorded * exposure_gain(index) + 128) >> 8)
//   color  a QQVGA frame, 160x120 RGB565 in big-endian words (an ESP32 camera driver's
//          layout), cut from a Kodak test photograph; the same every frame
//   vga    the same photograph's central 640x480, RGB565 big-endian (TINYTB_FW_RGB=2): a
//          VGA camera whose frame buffer is read where it lies, in flash (600 KB: no RAM
//          copy), and logged through a queue of a few KB (docs/storage.md, "Records
//          larger than the queue")
// make_frames.py generates the recorded frames (frames.cc) into the build directory.
#ifndef TINYTB_EXAMPLES_CORTEX_M_CAMERA_H_
#define TINYTB_EXAMPLES_CORTEX_M_CAMERA_H_

#include <stddef.h>
#include <stdint.h>

namespace camera {

constexpr uint32_t kGrayWidth = 96;
constexpr uint32_t kGrayHeight = 96;
constexpr size_t kGrayBytes = kGrayWidth * kGrayHeight;
constexpr uint32_t kColorWidth = 160;
constexpr uint32_t kColorHeight = 120;
constexpr size_t kColorBytes = kColorWidth * kColorHeight * 2;
constexpr uint32_t kVgaWidth = 640;
constexpr uint32_t kVgaHeight = 480;
constexpr size_t kVgaBytes = kVgaWidth * kVgaHeight * 2;

// The recorded frames (frames.cc).
extern const uint8_t kPersonFrame[kGrayBytes];
extern const uint8_t kColorFrame[kColorBytes];
extern const uint8_t kVgaFrame[kVgaBytes];  // dropped by the linker unless logged

// Exposure gain of frame `index`, in 256ths: 0.5, 0.625, ..., 1.375, then again from 0.5.
constexpr uint32_t exposure_gain(uint32_t index) { return 128 + 32 * (index % 8); }

// Delivers frame `index` into gray[kGrayBytes] and color[kColorBytes].
void capture(uint32_t index, uint8_t* gray, uint8_t* color);

}  // namespace camera

#endif  // TINYTB_EXAMPLES_CORTEX_M_CAMERA_H_
