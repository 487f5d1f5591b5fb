// tinytb benchmarks: lodepng's own encoder with its default settings (the reference).
#ifndef TINYTB_TESTS_PNG_LODEPNG_REFERENCE_H_
#define TINYTB_TESTS_PNG_LODEPNG_REFERENCE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tinytb_test {

// lodepng_encode_memory() with default settings; *peak_heap gets the most bytes it had
// allocated at once.
bool lodepng_reference_encode(const uint8_t* pixels, unsigned w, unsigned h, unsigned channels,
                              std::vector<uint8_t>* png, size_t* peak_heap);

}  // namespace tinytb_test

#endif  // TINYTB_TESTS_PNG_LODEPNG_REFERENCE_H_
