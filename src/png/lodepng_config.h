// tinytb (internal): how the core compiles lodepng, and the one place that includes it.
//
// The Makefile force-includes this file when it compiles third_party/lodepng/lodepng.cpp,
// so lodepng and the sources that call it agree on every switch:
//   - no allocators: lodepng_malloc/realloc/free are ours (src/png/png_arena.cc), served
//     from the encoder's arena; nothing reaches malloc;
//   - encoder only: no decoder, no file I/O, no ancillary chunks, no C++ wrapper (it
//     would pull in std::vector), no error strings (flash; errors become a Status).
#ifndef TINYTB_SRC_LODEPNG_CONFIG_H_
#define TINYTB_SRC_LODEPNG_CONFIG_H_

#ifndef LODEPNG_NO_COMPILE_ALLOCATORS
#define LODEPNG_NO_COMPILE_ALLOCATORS
#endif
#ifndef LODEPNG_NO_COMPILE_DECODER
#define LODEPNG_NO_COMPILE_DECODER
#endif
#ifndef LODEPNG_NO_COMPILE_DISK
#define LODEPNG_NO_COMPILE_DISK
#endif
#ifndef LODEPNG_NO_COMPILE_ANCILLARY_CHUNKS
#define LODEPNG_NO_COMPILE_ANCILLARY_CHUNKS
#endif
#ifndef LODEPNG_NO_COMPILE_CPP
#define LODEPNG_NO_COMPILE_CPP
#endif
#ifndef LODEPNG_NO_COMPILE_ERROR_TEXT
#define LODEPNG_NO_COMPILE_ERROR_TEXT
#endif

#include "lodepng.h"

#endif  // TINYTB_SRC_LODEPNG_CONFIG_H_
