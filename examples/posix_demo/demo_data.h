// tinytb demo (host only): the real data the simulated boards read, in one place.
//
// The boards stand in for a camera and a microphone with files from the data folder
// (examples/data, or $TINYTB_DEMO_DATA). A file that is missing or not what a board
// expects ends the demo with one line on stderr: a demo has no way to go on without it.
#ifndef TINYTB_EXAMPLES_POSIX_DEMO_DEMO_DATA_H_
#define TINYTB_EXAMPLES_POSIX_DEMO_DEMO_DATA_H_

#include <stddef.h>
#include <stdint.h>

namespace demo_data {

// The data folder: $TINYTB_DEMO_DATA when set, else the repository's examples/data
// (its absolute path is compiled in as TINYTB_DEMO_DATA_DIR, so the demo runs from any folder).
#ifndef TINYTB_DEMO_DATA_DIR
#define TINYTB_DEMO_DATA_DIR "examples/data"
#endif
const char* data_dir();

// Reads data_dir()/name into buf (at most cap bytes); returns the bytes read. Ends the
// demo if the file cannot be opened. `path` (if not null) gets the full path.
size_t read_file(const char* name, uint8_t* buf, size_t cap, char* path = nullptr, size_t path_cap = 0);

constexpr uint32_t kPersonSide = 96;

// The person frame (kPersonFile): TFLM's person.bmp with its int8 wrap undone
// (examples/data/SOURCES.md). An uncompressed 8-bit BMP, 96x96, rows bottom-up, a
// 256-entry palette of (B, G, R, 0).
constexpr const char* kPersonFile = "person_96x96_gray_clean.bmp";
struct PersonBmp {
  const uint8_t* file = nullptr;        // the whole file, in the caller's buffer
  size_t size = 0;
  const uint8_t* bottom_row = nullptr;  // the pixel rows, bottom row first, 96 bytes apart
  const uint8_t* palette = nullptr;     // 256 entries of 4 bytes
  bool gray_palette = false;            // entry i is (i, i, i): the indices are the gray levels
};

// Reads and checks the BMP into buf (16 KiB is enough). Ends the demo if it is not as above.
PersonBmp load_person_bmp(uint8_t* buf, size_t cap);

// The same frame as gray levels, top row first (96 x 96 bytes), through the palette.
void load_person_gray(uint8_t* out);

}  // namespace demo_data

#endif  // TINYTB_EXAMPLES_POSIX_DEMO_DEMO_DATA_H_
