// tinytb: how an event file is named.
//
// The writer decides *when* a new file starts and hands its parts (stamp, sequence,
// host, suffix) to Sink::name_file(); the port decides the *form* of the name,
// because the storage decides what a name can be. The default is TensorBoard's long
// form (below). A storage without long names (FAT with FatFs's FF_USE_LFN = 0) uses a
// short form instead (ports/fatfs/fat_names.h) and a host tool restores the long form
// when it copies the files (docs/storage.md, "File names").
//
// Whatever the form, names must sort in creation order (TensorBoard reads a run's files
// in name order and never goes back): by stamp first, then by sequence.
#ifndef TINYTB_FILE_NAME_H_
#define TINYTB_FILE_NAME_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/config.h"
#include "tinytb/status.h"

namespace tinytb {

struct FileNameParts {
  // Unix seconds from the wall clock, or, without one, the application's persistent
  // boot counter (WriterOptions::file_stamp). Never decreases from one boot to the next.
  uint32_t stamp;
  // Counts the files one writer object made (and the names it found taken), from 0 to
  // kMaxFileSequence.
  uint32_t sequence;
  // Checked by EventWriterBase::open(): [A-Za-z0-9_-], and '.' also in the suffix.
  const char* host;
  const char* suffix;
};

// The highest sequence: the long form has 4 digits for it, and a fifth digit would sort
// "10000" before "9999". Past it the writer refuses to name a file (kInvalidArgument)
// rather than make one TensorBoard would read out of order: with a boot counter as the
// stamp, keep a boot below 10,000 files (rotate_bytes), or give the writer a clock.
constexpr uint32_t kMaxFileSequence = 9999;

// Longest name the long form makes, without the final NUL.
constexpr size_t kMaxFileNameLen = 20 + 10 + 1 + TINYTB_MAX_HOST_LEN + 1 + 10 + 1 + TINYTB_MAX_SUFFIX_LEN;

// The long form, "events.out.tfevents.<stamp>.<host>.<sequence>.<suffix>", with the
// stamp as 10 zero-padded decimal digits and the sequence as 4.
// Writes a NUL-terminated name to `out` (capacity bytes, NUL included).
// Errors: kInvalidArgument (null pointers, or the name does not fit `capacity`).
Status long_file_name(const FileNameParts& parts, char* out, size_t capacity);

}  // namespace tinytb

#endif  // TINYTB_FILE_NAME_H_
