// tinytb tests: a stand-in for ChaN's FatFs, behind the API ff.h declares.
//
// ChaN's FatFs is not packaged for Debian, so it cannot be linked here. This is NOT
// FatFs: it is an in-memory model of the FatFs behaviour ports/fatfs/ relies on, as
// ChaN's documentation describes it, written for these tests:
//   - f_open(FA_CREATE_NEW | FA_WRITE): FR_EXIST if the name is taken (file or
//     directory), FR_NO_PATH if the directory is missing, FR_INVALID_NAME for a name the
//     volume cannot hold (8.3 only when FF_USE_LFN = 0; long names up to FF_MAX_LFN
//     otherwise); names compare case-insensitively, and without LFN are kept upper-case;
//   - f_write: on a full volume, or at FAT32's 4 GiB - 1 file size limit, it writes what
//     fits and returns FR_OK with *bw < btw; space is allocated in clusters;
//   - f_sync / f_close: the file's data, size and directory entry reach the medium only
//     here. power_loss() returns every file to its state at its last f_sync or f_close
//     (an appended file reverts to its size then; a file never synced disappears); the
//     clusters it had allocated beyond that are lost until the card is checked on a PC
//     (leaked_clusters()), as FatFs leaves them; f_mkdir is durable at once;
//   - a hard error (FR_DISK_ERR, FR_INT_ERR) aborts the file object: every later call on
//     it, f_close included, returns that error, as FatFs's documentation says
//     ("all operations to the file except for close will be rejected"; the real f_close
//     fails too, because it syncs first);
//   - f_lseek + f_truncate cut the file at the pointer and free the clusters after it.
// What it does not model: FAT tables, sectors, caching modes (FF_FS_TINY), exFAT,
// FF_FS_LOCK, reading, other open modes (FR_INVALID_PARAMETER), a torn sector write
// damaging bytes that were already synced (docs/storage.md discusses that risk).
#ifndef TINYTB_TESTS_PORTS_FATFS_FATFS_STANDIN_H_
#define TINYTB_TESTS_PORTS_FATFS_FATFS_STANDIN_H_

#include <stdint.h>

#include <string>
#include <vector>

#include "ff.h"

namespace fatfs_standin {

// A freshly formatted, mounted volume with only the root directory.
void reset(uint64_t volume_bytes = 1 << 20, uint32_t cluster_bytes = 512);
// FAT32 limits a file to 4 GiB - 1; tests lower the limit to reach it.
void set_max_file_size(uint64_t bytes);
// Grow or shrink the volume (frees space for "the user deleted old logs").
void set_volume_bytes(uint64_t bytes);

// Calls (f_open, f_write, f_sync, f_lseek, f_truncate, f_close, f_mkdir) are counted
// from 1 since reset(). fail_at: calls op .. op + count - 1 return `result`.
// cut_power_at: call `op` fails with FR_DISK_ERR and so does every later call, until
// power_loss().
void fail_at(uint32_t op, FRESULT result, uint32_t count);
void cut_power_at(uint32_t op);
bool powered_off();
uint32_t calls();
// The power comes back: every file as of its last f_sync/f_close, no file open.
void power_loss();

struct File {
  std::string path;  // "DIR/SUB/NAME", as stored (upper-case without LFN)
  std::vector<uint8_t> bytes;
};
// Every file, in creation order, as a reader would see it now.
std::vector<File> files();
bool dir_exists(const std::string& path);
uint64_t leaked_clusters();
// Make a file that is already there (as an earlier boot would have left it).
void add_file(const std::string& path, const std::vector<uint8_t>& bytes);

}  // namespace fatfs_standin

#endif  // TINYTB_TESTS_PORTS_FATFS_FATFS_STANDIN_H_
