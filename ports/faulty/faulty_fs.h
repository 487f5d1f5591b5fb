// tinytb port: an in-memory file system that loses power and fails on command.
//
// The test port every durability claim is checked with (tests/power/), and a tool for
// applications that want to see their own error handling work. It is a real port: no
// heap, the caller provides the byte arena and the file table.
//
// The power-loss model (docs/storage.md, "Power-loss model"):
//   - a file's bytes and size are durable up to its last completed sync(); a new file's
//     name is durable from its first completed sync() (fsync of file and directory,
//     FatFs's f_sync);
//   - close() does not sync (POSIX); sync() first if you need it;
//   - at a power cut the bytes after the last completed sync are, depending on the
//     model given to reboot(): dropped (kDropUnsynced: POSIX after a crash, FatFs's file
//     size reverting to the last f_sync), or partly kept, garbled at byte granularity or
//     zero-filled (kGarbleUnsynced: what flash translation layers and delayed
//     allocation do); durable bytes are never touched.
//
// Fault injection counts every operation a sink makes (open, write, sync, truncate,
// close; 1, 2, 3, ...) and can
//   - cut the power at operation N: it does not complete (a write may leave a prefix
//     of its bytes in the unsynced part), every later operation fails with kIoError,
//     and powered_off() is true until reboot();
//   - fail operations N .. N + count - 1 with kNoSpace or kIoError (a failing write
//     lets the first half of its bytes through, as a real short write does), then work
//     again: the disk had space freed, or the card was re-seated. A failing sync drops
//     the file's dirty bytes as Linux does after a failed fsync (it marks the pages clean
//     and its next fsync reports success): reads still see them until the power goes, and
//     after the cut they are zeros, even when a later sync returned kOk.
// A full arena (or set_capacity()) gives real kNoSpace: the bytes that fit, then ENOSPC.
//
// Limits: one open file at a time in the whole file system (files are laid out one
// after the other in the arena and only the newest one grows). Directories are not
// modelled: a path is "<dir>/<name>" and open() always finds its directory.
#ifndef TINYTB_PORTS_FAULTY_FS_H_
#define TINYTB_PORTS_FAULTY_FS_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/config.h"
#include "tinytb/writer/file_name.h"
#include "tinytb/writer/sink.h"

namespace tinytb {

class FaultyFs {
 public:
  enum class PowerLoss : uint8_t { kDropUnsynced, kGarbleUnsynced };
  enum class Op : uint8_t { kOpen, kWrite, kSync, kTruncate, kClose };

  // Native codes last_error() reports (errno values, as a POSIX port would).
  static constexpr int32_t kErrNoSpace = 28;  // ENOSPC
  static constexpr int32_t kErrIo = 5;        // EIO
  static constexpr int32_t kErrExists = 17;   // EEXIST

  static constexpr size_t kMaxPathLen = TINYTB_MAX_DIR_LEN + 1 + kMaxFileNameLen;
  struct File {
    char path[kMaxPathLen + 1];
    size_t start;        // offset in the arena
    size_t size;         // bytes written (the live view)
    size_t synced;       // bytes durable
    bool name_durable;   // the directory entry survives a power cut
    size_t lost_from;    // [lost_from, lost_to): dirty bytes a failed sync dropped
    size_t lost_to;
  };

  // `arena` (arena_bytes) holds every file's bytes; `files` (max_files) the file table.
  // Both must outlive the file system.
  FaultyFs(uint8_t* arena, size_t arena_bytes, File* files, size_t max_files);

  // ---- fault plan (0 = none). Both count operations from 1 since construction.
  void cut_power_at(uint32_t op) { cut_at_ = op; }
  void fail_at(uint32_t op, Status status, uint32_t count);
  // Total bytes all files may hold (default: the arena); below that, writes get kNoSpace.
  void set_capacity(size_t bytes) { capacity_ = bytes < arena_bytes_ ? bytes : arena_bytes_; }

  // Apply the power-loss model to every file, forget the open file, power on again.
  // `seed` makes kGarbleUnsynced's choices (how much, which bytes) reproducible.
  void reboot(PowerLoss model, uint32_t seed);

  // ---- observation
  bool powered_off() const { return powered_off_; }
  uint32_t ops() const { return ops_; }
  uint32_t ops_of(Op op) const { return by_kind_[static_cast<size_t>(op)]; }
  size_t file_count() const { return file_count_; }
  const File& file(size_t i) const { return files_[i]; }
  const uint8_t* data(size_t i) const { return arena_ + files_[i].start; }
  // The index of the file at `path` ("<dir>/<name>"), or file_count() when there is none.
  size_t find(const char* path) const;
  // Requests that broke the sink contract (truncate below the durable size or past the
  // end, or writing to a file that is not the open one); a correct writer makes none.
  uint32_t contract_violations() const { return violations_; }
  // Dirty bytes failed syncs dropped (each failure counts the bytes unsynced then).
  size_t lost_sync_bytes() const { return lost_sync_bytes_; }

 private:
  friend class FaultySink;

  // Counts the operation and applies the plan: kOk to go ahead, or the failure. A cut
  // sets powered_off_; *injected tells a failing write it may leave a prefix behind.
  Status begin(Op op, bool* injected);
  Status open_file(const char* dir, const char* name, size_t* index);
  Status append(size_t index, const uint8_t* data, size_t size, bool injected_failure, int32_t* err);
  Status sync_file(size_t index);
  void drop_dirty(size_t index);
  Status truncate_file(size_t index, uint64_t size);
  size_t used_bytes() const;
  uint32_t next_random();

  uint8_t* arena_;
  size_t arena_bytes_;
  File* files_;
  size_t max_files_;
  size_t file_count_ = 0;
  size_t capacity_;
  int32_t open_index_ = -1;
  uint32_t ops_ = 0;
  uint32_t by_kind_[5] = {};
  uint32_t cut_at_ = 0;
  uint32_t fail_from_ = 0;
  uint32_t fail_count_ = 0;
  Status fail_status_ = Status::kIoError;
  bool powered_off_ = false;
  uint32_t violations_ = 0;
  size_t lost_sync_bytes_ = 0;
  uint32_t random_ = 1;
};

// One writer's view of a FaultyFs. last_error() is an errno value (FaultyFs::kErr*).
class FaultySink : public Sink {
 public:
  explicit FaultySink(FaultyFs& fs) : fs_(&fs) {}

  // Contracts as in sink.h; the file system applies its fault plan to each call.
  Status open(const char* dir, const char* file_name) override;
  Status write(const uint8_t* data, size_t size) override;
  Status sync() override;
  Status truncate(uint64_t size) override;
  Status close() override;
  int32_t last_error() const override { return error_; }

 private:
  Status fail(Status status);

  FaultyFs* fs_;
  int32_t index_ = -1;
  int32_t error_ = 0;
};

}  // namespace tinytb

#endif  // TINYTB_PORTS_FAULTY_FS_H_
