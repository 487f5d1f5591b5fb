// tinytb Cortex-M firmware: what a build of the example logs, chosen on the compiler's
// command line. The Makefile builds the default for every core (`make firmware`) and each
// configuration `make size` reports for the Cortex-M4F (docs/firmware.md).
//
//   TINYTB_FW_LOGGING  1: log (default); 0: no tinytb at all, the baseline whose size
//                      `make size` subtracts to tell what logging adds
//   TINYTB_FW_IMAGES   0: scalars and text only; 1: stored PNGs (default); 2: compressed
//                      PNGs (tinytb's deflate, PngMode::kCompressed: about 9-12 KB of
//                      arena); 3: compressed by lodepng's deflate (PngMode::kLodepng:
//                      hundreds of KB of arena, a PSRAM board; not in `make size`)
//   TINYTB_FW_RGB      1: frame limit 160x120 RGB, both cameras logged (default);
//                      0: frame limit 96x96 gray, the model's input only;
//                      2: frame limit 640x480 RGB: the color camera is VGA, read from
//                      flash, and every record streams through a queue of a few KB
//                      (`compressed-rgb640`)
//   TINYTB_FW_TOP_K    1: the model's classes as a top-k table, text_top_k (default);
//                      0: the best class as plain text (`make size`'s "scalars and text")
//   TINYTB_FW_FRAMES   frames to capture, score and log (default 8)
//   TINYTB_FW_CORE     the core, as the run's name ("cortex-m4f")
//   TINYTB_FW_MACHINE  the QEMU machine ("mps2-an386"), for the board note and file names
//   TINYTB_FW_SDCARD   0: log through semihosting (default); 1: log to a FAT SD card through
//                      ChaN's FatFs and ports/fatfs (`make sdcard`; the card: sdcard.h)
//   TINYTB_FW_CARD_IMAGE  with TINYTB_FW_SDCARD: the card's image on the host, relative to
//                      QEMU's working directory ("card.img")
//   TINYTB_FW_STREAM   0: as above; 1: stream the log over UART0 through ports/stream to
//                      `tinytb recv` (`make stream-fw`; uart.h, stream_board.h; the console
//                      stays on semihosting); with TINYTB_FW_SDCARD too, both at once
//                      (ports/stream's TeeSink, the card first)
//   TINYTB_FW_DEBUG    0: no debug tools (default); 1: a flight recorder of the last 4 gray
//                      frames, dumped when the person score is low or the class flips, and a
//                      mark from a "fault handler" written by poll() (`make size`'s "flight");
//                      2: the tensor inspector on a pooled 12x12x4 feature map, layer by layer,
//                      and on the scores ("inspector"). Both need TINYTB_FW_IMAGES=1 and
//                      TINYTB_FW_RGB=0 (docs/debugging.md)
//   TINYTB_FW_STREAM_PERIOD_MS  with TINYTB_FW_STREAM: one frame every this many
//                      milliseconds unless the command line says otherwise (400)
//   TINYTB_FW_STREAM_BAUD  with TINYTB_FW_STREAM: UART0's baud rate (921600)
#ifndef TINYTB_EXAMPLES_CORTEX_M_FIRMWARE_CONFIG_H_
#define TINYTB_EXAMPLES_CORTEX_M_FIRMWARE_CONFIG_H_

#ifndef TINYTB_FW_LOGGING
#define TINYTB_FW_LOGGING 1
#endif
#ifndef TINYTB_FW_IMAGES
#define TINYTB_FW_IMAGES 1
#endif
#ifndef TINYTB_FW_RGB
#define TINYTB_FW_RGB 1
#endif
#ifndef TINYTB_FW_FRAMES
#define TINYTB_FW_FRAMES 8
#endif
#ifndef TINYTB_FW_TOP_K
#define TINYTB_FW_TOP_K 1
#endif
#ifndef TINYTB_FW_CORE
#define TINYTB_FW_CORE "cortex-m"
#endif
#ifndef TINYTB_FW_MACHINE
#define TINYTB_FW_MACHINE "mps2"
#endif
#ifndef TINYTB_FW_SDCARD
#define TINYTB_FW_SDCARD 0
#endif
#ifndef TINYTB_FW_CARD_IMAGE
#define TINYTB_FW_CARD_IMAGE "card.img"
#endif
#ifndef TINYTB_FW_STREAM
#define TINYTB_FW_STREAM 0
#endif
#ifndef TINYTB_FW_DEBUG
#define TINYTB_FW_DEBUG 0
#endif
#ifndef TINYTB_FW_STREAM_PERIOD_MS
#define TINYTB_FW_STREAM_PERIOD_MS 400
#endif
#ifndef TINYTB_FW_STREAM_BAUD
#define TINYTB_FW_STREAM_BAUD 921600
#endif

#if TINYTB_FW_LOGGING != 0 && TINYTB_FW_LOGGING != 1
#error "TINYTB_FW_LOGGING must be 0 or 1"
#endif
#if TINYTB_FW_IMAGES < 0 || TINYTB_FW_IMAGES > 3
#error "TINYTB_FW_IMAGES must be 0 (none), 1 (stored PNG), 2 (compressed PNG) or 3 (lodepng PNG)"
#endif
#if TINYTB_FW_RGB < 0 || TINYTB_FW_RGB > 2
#error "TINYTB_FW_RGB must be 0 (96x96 gray), 1 (160x120 RGB) or 2 (640x480 RGB)"
#endif
#if TINYTB_FW_SDCARD != 0 && TINYTB_FW_SDCARD != 1
#error "TINYTB_FW_SDCARD must be 0 (semihosting) or 1 (FAT SD card through FatFs)"
#endif
#if TINYTB_FW_SDCARD && !TINYTB_FW_LOGGING
#error "TINYTB_FW_SDCARD needs TINYTB_FW_LOGGING"
#endif
#if TINYTB_FW_STREAM != 0 && TINYTB_FW_STREAM != 1
#error "TINYTB_FW_STREAM must be 0 (no stream) or 1 (UART0 to tinytb recv)"
#endif
#if TINYTB_FW_STREAM && !TINYTB_FW_LOGGING
#error "TINYTB_FW_STREAM needs TINYTB_FW_LOGGING"
#endif
#if TINYTB_FW_DEBUG < 0 || TINYTB_FW_DEBUG > 2
#error "TINYTB_FW_DEBUG must be 0 (none), 1 (flight recorder) or 2 (tensor inspector)"
#endif
#if TINYTB_FW_DEBUG && (!TINYTB_FW_LOGGING || TINYTB_FW_IMAGES != 1 || TINYTB_FW_RGB)
#error "TINYTB_FW_DEBUG needs TINYTB_FW_LOGGING, TINYTB_FW_IMAGES=1 and TINYTB_FW_RGB=0"
#endif
#if TINYTB_FW_FRAMES < 1 || TINYTB_FW_FRAMES > 1000
#error "TINYTB_FW_FRAMES must be 1..1000"
#endif

#define TINYTB_FW_STR2(x) #x
#define TINYTB_FW_STR(x) TINYTB_FW_STR2(x)

#if TINYTB_FW_IMAGES == 0
#define TINYTB_FW_IMAGES_TEXT "none"
#elif TINYTB_FW_IMAGES == 1
#define TINYTB_FW_IMAGES_TEXT "stored PNG"
#elif TINYTB_FW_IMAGES == 2
#define TINYTB_FW_IMAGES_TEXT "compressed PNG"
#else
#define TINYTB_FW_IMAGES_TEXT "lodepng PNG"
#endif
#if TINYTB_FW_IMAGES == 0
#define TINYTB_FW_LIMIT_TEXT ""
#elif TINYTB_FW_RGB == 2
#define TINYTB_FW_LIMIT_TEXT " up to 640x480 RGB"
#elif TINYTB_FW_RGB
#define TINYTB_FW_LIMIT_TEXT " up to 160x120 RGB"
#else
#define TINYTB_FW_LIMIT_TEXT " up to 96x96 gray"
#endif
#if TINYTB_FW_DEBUG == 1
#define TINYTB_FW_DEBUG_TEXT ", flight recorder"
#elif TINYTB_FW_DEBUG == 2
#define TINYTB_FW_DEBUG_TEXT ", tensor inspector"
#else
#define TINYTB_FW_DEBUG_TEXT ""
#endif

// One line on what this build is: the console's first line and the "board" text summary.
#define TINYTB_FW_DESCRIPTION                                                                              \
  "tinytb on a " TINYTB_FW_CORE " (QEMU " TINYTB_FW_MACHINE "): " TINYTB_FW_STR(TINYTB_FW_FRAMES) " frames, " \
  "images: " TINYTB_FW_IMAGES_TEXT TINYTB_FW_LIMIT_TEXT TINYTB_FW_DEBUG_TEXT

#endif  // TINYTB_EXAMPLES_CORTEX_M_FIRMWARE_CONFIG_H_
