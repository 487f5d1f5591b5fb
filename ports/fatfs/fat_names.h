// tinytb port: FAT short (8.3) names, for FatFs built with FF_USE_LFN = 0.
//
// Without long file names FAT holds only 8.3 names, and "events.out.tfevents..." is not
// one. The short form keeps what matters, creation order:
//
//   <stamp as 8 uppercase hex digits>.<sequence as 3 base-36 digits 0-9A-Z>
//   6740A1B0.000, 6740A1B0.001, ..., 6740A1B0.00Z, 6740A1B0.010, ..., 0000002A.01Z
//
// ASCII orders '0'-'9' before 'A'-'Z', so these names sort as (stamp, sequence) do: in
// creation order, clock or boot counter. A host tool gives the files their TensorBoard
// names back when it copies them off the card (docs/storage.md, "File names").
// No ff.h needed: this is plain text handling, tested on the host.
#ifndef TINYTB_PORTS_FATFS_FAT_NAMES_H_
#define TINYTB_PORTS_FATFS_FAT_NAMES_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/writer/file_name.h"
#include "tinytb/status.h"

namespace tinytb {

// The highest sequence the 3 base-36 digits hold (36^3 - 1 = 46655 files per stamp). The
// writer stops at kMaxFileSequence (9999) before that, so every short name also has a
// long name that sorts the same way (the one the host tool gives it).
constexpr uint32_t kMaxShortNameSequence = 36 * 36 * 36 - 1;

// Writes "SSSSSSSS.QQQ" and a NUL into `out` (capacity >= 13).
// Errors: kInvalidArgument (null, capacity too small, sequence above kMaxShortNameSequence:
// a name that would no longer sort is refused rather than made).
Status short_file_name(const FileNameParts& parts, char* out, size_t capacity);

// Whether `len` bytes at `segment` are one valid 8.3 name: a base of 1-8 characters,
// optionally '.' and an extension of 1-3, from A-Z a-z 0-9 and $ % ' - _ @ ~ ` ! ( ) { } ^ # &
// (FAT keeps short names in upper case; FatFs upper-cases lower-case letters).
// "." and ".." are not names.
bool is_short_name(const char* segment, size_t len);

}  // namespace tinytb

#endif  // TINYTB_PORTS_FATFS_FAT_NAMES_H_
