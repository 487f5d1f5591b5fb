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
// 8192 saves 0.1-0.8% of output for 4 KiB more RAM.
#ifndef TINYTB_DEFLATE_BUFFER
#define TINYTB_DEFLATE_BUFFER 4096
#endif
#ifndef TINYTB_DEFLATE_MAX_RUNS
#define TINYTB_DEFLATE_MAX_RUNS 256
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

#endif  // TINYTB_CONFIG_H_
