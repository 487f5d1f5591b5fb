// tinytb tests: a value's bits as another type of the same size (std::bit_cast is C++20),
// for the tests that build NaNs, infinities and doubles from their exact IEEE-754 bits.
#ifndef TINYTB_TESTS_SUPPORT_BIT_CAST_H_
#define TINYTB_TESTS_SUPPORT_BIT_CAST_H_

#include <string.h>

namespace tinytb_test {

template <typename To, typename From>
To bit_cast(From from) {
  static_assert(sizeof(To) == sizeof(From), "bit_cast needs two types of the same size");
  To to;
  memcpy(&to, &from, sizeof(to));
  return to;
}

}  // namespace tinytb_test

#endif  // TINYTB_TESTS_SUPPORT_BIT_CAST_H_
