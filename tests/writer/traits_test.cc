// tinytb/traits.h must answer like <type_traits> for every type the library asks about
// (its contract): compared at compile time here, on the host, where <type_traits> exists.
#include "tinytb/traits.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace {

enum Plain { kPlain };
enum class Scoped : int { kScoped };
struct Record {};

template <typename T>
constexpr bool agrees_plain() {
  return tinytb::detail::is_integral<T>::value == std::is_integral<T>::value &&
         tinytb::detail::is_floating_point<T>::value == std::is_floating_point<T>::value &&
         tinytb::detail::is_arithmetic<T>::value == std::is_arithmetic<T>::value &&
         tinytb::detail::is_same<T, bool>::value == std::is_same<T, bool>::value &&
         tinytb::detail::is_same<T, int>::value == std::is_same<T, int>::value;
}

template <typename T>
constexpr bool agrees() {
  return agrees_plain<T>() && agrees_plain<const T>() && agrees_plain<volatile T>() &&
         agrees_plain<const volatile T>();
}

template <typename... T>
constexpr int disagreements() {
  return (0 + ... + (agrees<T>() ? 0 : 1));
}

TEST(Traits, AgreeWithTypeTraits) {
  constexpr int n = disagreements<
      bool, char, signed char, unsigned char, wchar_t, char16_t, char32_t, short, unsigned short, int, unsigned,
      long, unsigned long, long long, unsigned long long, float, double, long double, int8_t, uint8_t, int16_t,
      uint16_t, int32_t, uint32_t, int64_t, uint64_t, size_t, ptrdiff_t, intptr_t, uintptr_t, void, Plain, Scoped,
      Record, int*, const char*, float&, double&&, int[4], void (*)(), std::nullptr_t>();
  static_assert(n == 0, "tinytb/traits.h disagrees with <type_traits>");
  EXPECT_EQ(n, 0);
}

}  // namespace
