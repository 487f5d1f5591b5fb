// tinytb (internal): what text is allowed where (tags, paths, file names), and the
// small formatting the writer needs, without printf (newlib's printf can allocate).
#ifndef TINYTB_SRC_NAMES_H_
#define TINYTB_SRC_NAMES_H_

#include <stddef.h>
#include <stdint.h>

namespace tinytb {
namespace detail {

// Valid UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF) with no
// ASCII control characters. `size` bytes, NUL bytes are control characters too.
bool is_clean_utf8(const char* text, size_t size);

// Valid UTF-8, control characters allowed (text bodies: newlines, tabs).
bool is_utf8(const char* text, size_t size);

// Only [A-Za-z0-9_-], plus '.' when `allow_dot` (never first, last or doubled: FAT drops
// trailing dots); 1..max_len bytes.
bool is_name_token(const char* text, size_t max_len, bool allow_dot);

// A relative run path: segments of clean UTF-8 separated by single '/', none empty,
// none "." or "..", no backslash. The empty string (no run) is valid.
bool is_run_path(const char* text);

// Length of a NUL-terminated string, stopping after `limit` + 1 bytes so an
// unterminated or huge input is never scanned to its end.
size_t bounded_length(const char* text, size_t limit);

// Append `value` in decimal, zero-padded to at least `min_digits`, at out[*pos];
// fails (false) if it would not fit `capacity` (which includes the final NUL).
bool append_decimal(char* out, size_t capacity, size_t* pos, uint64_t value, int min_digits);
bool append_text(char* out, size_t capacity, size_t* pos, const char* text);

}  // namespace detail
}  // namespace tinytb

#endif  // TINYTB_SRC_NAMES_H_
