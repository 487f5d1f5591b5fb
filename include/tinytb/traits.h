// tinytb (detail): the few type traits the library's compile-time checks need.
//
// Written here instead of taken from <type_traits> because some bare-metal toolchains ship
// a C++ compiler without a C++ library (Debian's riscv64-unknown-elf GCC has no libstdc++
// headers at all), and tinytb must build there unchanged. Contract: each trait gives the
// same answer as its std:: namesake for every type a C++17 program can name, cv-qualified
// or not (tests/writer/traits_test.cc compares them with <type_traits> on the host), with
// one deliberate gap: extended integer types (__int128) are not integral here.
#ifndef TINYTB_TRAITS_H_
#define TINYTB_TRAITS_H_

namespace tinytb {
namespace detail {

template <typename T> struct remove_cv { using type = T; };
template <typename T> struct remove_cv<const T> { using type = T; };
template <typename T> struct remove_cv<volatile T> { using type = T; };
template <typename T> struct remove_cv<const volatile T> { using type = T; };

template <typename A, typename B> struct is_same { static constexpr bool value = false; };
template <typename A> struct is_same<A, A> { static constexpr bool value = true; };

template <typename T> struct is_integral_plain { static constexpr bool value = false; };
#define TINYTB_INTEGRAL(T) \
  template <> struct is_integral_plain<T> { static constexpr bool value = true; }
TINYTB_INTEGRAL(bool);
TINYTB_INTEGRAL(char);
TINYTB_INTEGRAL(signed char);
TINYTB_INTEGRAL(unsigned char);
TINYTB_INTEGRAL(wchar_t);
TINYTB_INTEGRAL(char16_t);
TINYTB_INTEGRAL(char32_t);
TINYTB_INTEGRAL(short);
TINYTB_INTEGRAL(unsigned short);
TINYTB_INTEGRAL(int);
TINYTB_INTEGRAL(unsigned int);
TINYTB_INTEGRAL(long);
TINYTB_INTEGRAL(unsigned long);
TINYTB_INTEGRAL(long long);
TINYTB_INTEGRAL(unsigned long long);
#undef TINYTB_INTEGRAL

template <typename T> struct is_floating_plain { static constexpr bool value = false; };
template <> struct is_floating_plain<float> { static constexpr bool value = true; };
template <> struct is_floating_plain<double> { static constexpr bool value = true; };
template <> struct is_floating_plain<long double> { static constexpr bool value = true; };

template <typename T> struct is_integral {
  static constexpr bool value = is_integral_plain<typename remove_cv<T>::type>::value;
};
template <typename T> struct is_floating_point {
  static constexpr bool value = is_floating_plain<typename remove_cv<T>::type>::value;
};
template <typename T> struct is_arithmetic {
  static constexpr bool value = is_integral<T>::value || is_floating_point<T>::value;
};

}  // namespace detail
}  // namespace tinytb

#endif  // TINYTB_TRAITS_H_
