// tinytb: compile-time configuration.
//
// Every knob has a default here; override any of them with -D on the compiler's
// command line (the same value for every file of the build). They are checked
// below at compile time.
#ifndef TINYTB_CONFIG_H_
#define TINYTB_CONFIG_H_

// Longest tag, in bytes, that EventWriter's default template argument accepts.
#ifndef TINYTB_DEFAULT_MAX_TAG_LEN
#define TINYTB_DEFAULT_MAX_TAG_LEN 64
#endif

// Longest prefix a Scope can hold ("train", "model/layer1"), in bytes, without the '/'.
#ifndef TINYTB_MAX_SCOPE_LEN
#define TINYTB_MAX_SCOPE_LEN 48
#endif

// Longest "<logdir>/<run>" directory path the writer builds, in bytes.
#ifndef TINYTB_MAX_DIR_LEN
#define TINYTB_MAX_DIR_LEN 128
#endif

// Longest host name in event file names, in bytes.
#ifndef TINYTB_MAX_HOST_LEN
#define TINYTB_MAX_HOST_LEN 32
#endif

// Longest file name suffix, in bytes ("v2").
#ifndef TINYTB_MAX_SUFFIX_LEN
#define TINYTB_MAX_SUFFIX_LEN 16
#endif

// Highest tensor rank the encoder writes (text tables need 2, images 1, histograms 2).
#ifndef TINYTB_MAX_RANK
#define TINYTB_MAX_RANK 4
#endif

// Stack bytes the image charts (draw_image, draw_grid, draw_concat) use to read source
// rows when the caller passes no Scratch (charts.h): 2048 reads 512-pixel RGB rows.
#ifndef TINYTB_RENDER_STACK_SCRATCH
#define TINYTB_RENDER_STACK_SCRATCH 2048
#endif

// tinytb's deflate (PngMode kFast, kCompressed; docs/png.md): filtered bytes held for one
// block, and the runs one block may hold. The state is about BUFFER + 4 * MAX_RUNS + 2.8 KiB;
// 8192 (the default since issue 15) writes 0.2-0.8% less output than 4096, for 4 KiB more.
#ifndef TINYTB_DEFLATE_BUFFER
#define TINYTB_DEFLATE_BUFFER 8192
#endif
#ifndef TINYTB_DEFLATE_MAX_RUNS
#define TINYTB_DEFLATE_MAX_RUNS 256
#endif

// 1 when building for a microcontroller, where flash is scarce: it picks the small
// checksum tables below. Detected for M-profile Arm (Cortex-M), 32-bit RISC-V (ESP32-C3/C6,
// GD32V, CH32V: whatever its extensions) and Xtensa (ESP32, ESP32-S2/S3); 0 elsewhere
// (hosts, Linux boards, 64-bit RISC-V). Define it for any other microcontroller.
// tests/target/check_table_sizes.sh checks the choice for each compiler make test has.
#ifndef TINYTB_SMALL_TARGET
#if (defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M') || \
    (defined(__riscv) && defined(__riscv_xlen) && __riscv_xlen == 32) || defined(__XTENSA__)
#define TINYTB_SMALL_TARGET 1
#else
#define TINYTB_SMALL_TARGET 0
#endif
#endif

// Tables of the CRC-32C that frames every record (src/format/crc32c.cc): 0 is one 16-entry
// table (64 bytes of flash), two lookups per byte, for builds where every KiB counts (the
// Cortex-M example firmware); 1 is one
// 256-entry table (1 KiB of flash), one lookup per byte; 8 is slicing by 8 (8 KiB), eight
// independent lookups per 8 bytes, about 4-5x faster on x86-64, where the byte-wise form
// took 40% of an image event's time. Default: 1 on a small target, 8 elsewhere.
#ifndef TINYTB_CRC32C_SLICES
#if TINYTB_SMALL_TARGET
#define TINYTB_CRC32C_SLICES 1
#else
#define TINYTB_CRC32C_SLICES 8
#endif
#endif

// 1: the record CRC-32C uses the CPU's instruction where it has one (src/format/crc32c.cc):
// SSE4.2 on x86, checked once at run time, and ARMv8's CRC extension when the compiler
// targets it (__ARM_FEATURE_CRC32); the table above stays the path everywhere else.
// 0: the table only. Default 1; no microcontroller tinytb targets has such an instruction.
#ifndef TINYTB_CRC32C_HARDWARE
#define TINYTB_CRC32C_HARDWARE 1
#endif

// Tables of the CRC-32 over every PNG chunk (src/png/png_checksum.cc): 1 (1 KiB of flash,
// one lookup per byte), 4 (4 KiB) or 8 (8 KiB). 8 also picks Adler-32's sixteen-byte
// weighted sums, which cost a Cortex-M4 about 4% more instructions than the plain chain 1
// and 4 keep. Default: 4 on a small target, 8 elsewhere; the Cortex-M example firmware
// takes 1, 3 KiB less flash for about 1.5% more instructions per compressed frame
// (docs/firmware.md, "Where the flash goes").
#ifndef TINYTB_CRC32_SLICES
#if TINYTB_SMALL_TARGET
#define TINYTB_CRC32_SLICES 4
#else
#define TINYTB_CRC32_SLICES 8
#endif
#endif

// 1: kCompressed takes a frame in memory (an 8-bit gray, RGB or RGBA view read in place) in
// blocks of up to 64 KiB with one set of code tables each, reading a block's rows twice
// (counted, then coded), instead of one block per TINYTB_DEFLATE_BUFFER: 0.3-0.9% smaller
// PNGs in the same state (docs/png.md, "Blocks over several buffers"), for about 440 B of
// Cortex-M flash and more instructions a byte. Default: 0 on a small target (the full
// writer's 32 KB flash goal has no room for it), 1 elsewhere.
#ifndef TINYTB_DEFLATE_FRAME_BLOCKS
#if TINYTB_SMALL_TARGET
#define TINYTB_DEFLATE_FRAME_BLOCKS 0
#else
#define TINYTB_DEFLATE_FRAME_BLOCKS 1
#endif
#endif

// The summary forms built in (docs/format.md, "Summary forms"): 1 the classic form only
// (simple_value, Summary.Image, HistogramProto, Summary.Audio: what tensorboardX writes),
// 2 the TF2 tensor form only, 3 both, WriterOptions::form choosing per writer. Leaving a
// form out drops its code. WriterOptions::form defaults to classic when it is built in.
#ifndef TINYTB_SUMMARY_FORMS
#define TINYTB_SUMMARY_FORMS 3
#endif

static_assert(TINYTB_DEFAULT_MAX_TAG_LEN >= 1 && TINYTB_DEFAULT_MAX_TAG_LEN <= 4096,
              "TINYTB_DEFAULT_MAX_TAG_LEN must be 1..4096");
static_assert(TINYTB_MAX_SCOPE_LEN >= 1 && TINYTB_MAX_SCOPE_LEN <= 4096, "TINYTB_MAX_SCOPE_LEN must be 1..4096");
static_assert(TINYTB_MAX_DIR_LEN >= 8 && TINYTB_MAX_DIR_LEN <= 4096, "TINYTB_MAX_DIR_LEN must be 8..4096");
static_assert(TINYTB_MAX_HOST_LEN >= 1 && TINYTB_MAX_HOST_LEN <= 255, "TINYTB_MAX_HOST_LEN must be 1..255");
static_assert(TINYTB_MAX_SUFFIX_LEN >= 1 && TINYTB_MAX_SUFFIX_LEN <= 64, "TINYTB_MAX_SUFFIX_LEN must be 1..64");
static_assert(TINYTB_MAX_RANK >= 2 && TINYTB_MAX_RANK <= 8, "TINYTB_MAX_RANK must be 2..8");
static_assert(TINYTB_RENDER_STACK_SCRATCH >= 1024 && TINYTB_RENDER_STACK_SCRATCH <= 65536,
              "TINYTB_RENDER_STACK_SCRATCH must be 1024..65536");
// The deflate's symbol counts and Huffman weights are 16-bit, so a block holds at most 32 KiB.
static_assert(TINYTB_DEFLATE_BUFFER >= 64 && TINYTB_DEFLATE_BUFFER <= 32768, "TINYTB_DEFLATE_BUFFER must be 64..32768");
static_assert(TINYTB_DEFLATE_MAX_RUNS >= 1 && TINYTB_DEFLATE_MAX_RUNS <= 65536,
              "TINYTB_DEFLATE_MAX_RUNS must be 1..65536");
static_assert(TINYTB_SMALL_TARGET == 0 || TINYTB_SMALL_TARGET == 1, "TINYTB_SMALL_TARGET must be 0 or 1");
static_assert(TINYTB_DEFLATE_FRAME_BLOCKS == 0 || TINYTB_DEFLATE_FRAME_BLOCKS == 1,
              "TINYTB_DEFLATE_FRAME_BLOCKS must be 0 or 1");
static_assert(TINYTB_CRC32C_SLICES == 0 || TINYTB_CRC32C_SLICES == 1 || TINYTB_CRC32C_SLICES == 8,
              "TINYTB_CRC32C_SLICES must be 0 (16-entry table), 1 or 8");
static_assert(TINYTB_CRC32C_HARDWARE == 0 || TINYTB_CRC32C_HARDWARE == 1, "TINYTB_CRC32C_HARDWARE must be 0 or 1");
static_assert(TINYTB_CRC32_SLICES == 1 || TINYTB_CRC32_SLICES == 4 || TINYTB_CRC32_SLICES == 8,
              "TINYTB_CRC32_SLICES must be 1, 4 or 8");
static_assert(TINYTB_SUMMARY_FORMS >= 1 && TINYTB_SUMMARY_FORMS <= 3, "TINYTB_SUMMARY_FORMS must be 1, 2 or 3");

// ---- one configuration for the library and the application ------------------------------
//
// Six knobs size arrays inside types the application lays out and the library fills, and a
// seventh changes what the application's options mean to the library:
//   TINYTB_MAX_SCOPE_LEN                   Scope's prefix
//   TINYTB_MAX_DIR_LEN, _MAX_HOST_LEN,     EventWriterBase's directory, host, suffix and
//   TINYTB_MAX_SUFFIX_LEN                  file name; the ports' path buffers
//   TINYTB_DEFLATE_BUFFER, _MAX_RUNS       PngEncoder's inline arena (png_arena_bytes())
//   TINYTB_SUMMARY_FORMS                   not a size, but what WriterOptions::form means:
//                                          its default, and which values open() accepts
// An application built with other values than its library would let the library write
// past the end of those objects (or refuse the form the application asked for). So the library defines one symbol whose name carries the
// values it was built with (src/base/config_check.cc), and the constructors of EventWriter
// and PngEncoder refer to the one the application's values name: a mismatch does not link, and the
// linker's message names every layout knob with the application's value, e.g.
//   undefined reference to `tinytb::config_check::library_built_with<...,
//       tinytb::config_check::TINYTB_MAX_DIR_LEN_is<8>, ...>::same_values'
// Fix: the same -D flags for every file of the build, library included
// (`nm -C libtinytb.a | grep library_built_with` shows the library's values).
// The other knobs may differ without harm: TINYTB_DEFAULT_MAX_TAG_LEN is only a default
// template argument (EventWriter hands its real capacity to the library at run time);
// TINYTB_MAX_RANK, TINYTB_RENDER_STACK_SCRATCH and the CRC knobs size nothing outside
// the library's own sources. TINYTB_SMALL_TARGET only picks defaults: the CRC knobs', and
// TINYTB_DEFLATE_FRAME_BLOCKS's, a layout knob (the link then names it).
namespace tinytb {
namespace config_check {

template <int V> struct TINYTB_MAX_SCOPE_LEN_is {};
template <int V> struct TINYTB_MAX_DIR_LEN_is {};
template <int V> struct TINYTB_MAX_HOST_LEN_is {};
template <int V> struct TINYTB_MAX_SUFFIX_LEN_is {};
template <int V> struct TINYTB_DEFLATE_BUFFER_is {};
template <int V> struct TINYTB_DEFLATE_MAX_RUNS_is {};
template <int V> struct TINYTB_SUMMARY_FORMS_is {};
template <int V> struct TINYTB_DEFLATE_FRAME_BLOCKS_is {};

template <class... Knobs>
struct library_built_with {
  static const char same_values;
};

using ThisBuild = library_built_with<
    TINYTB_MAX_SCOPE_LEN_is<TINYTB_MAX_SCOPE_LEN>, TINYTB_MAX_DIR_LEN_is<TINYTB_MAX_DIR_LEN>,
    TINYTB_MAX_HOST_LEN_is<TINYTB_MAX_HOST_LEN>, TINYTB_MAX_SUFFIX_LEN_is<TINYTB_MAX_SUFFIX_LEN>,
    TINYTB_DEFLATE_BUFFER_is<TINYTB_DEFLATE_BUFFER>, TINYTB_DEFLATE_MAX_RUNS_is<TINYTB_DEFLATE_MAX_RUNS>,
    TINYTB_SUMMARY_FORMS_is<TINYTB_SUMMARY_FORMS>, TINYTB_DEFLATE_FRAME_BLOCKS_is<TINYTB_DEFLATE_FRAME_BLOCKS>>;
// Declared here, defined (with a value) only by the library for its own values.
template <>
const char ThisBuild::same_values;

// The address a constructor hands to the library: taking it is what makes the link check.
inline const char* this_build() { return &ThisBuild::same_values; }

}  // namespace config_check
}  // namespace tinytb

#endif  // TINYTB_CONFIG_H_
