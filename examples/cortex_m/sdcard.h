// tinytb Cortex-M firmware: the SD card of the `make sdcard` build, for ChaN's FatFs.
//
// The card is a FAT image file on the host (formatted there by mkfs.fat, as a PC formats an
// SD card), reached through semihosting: FatFs's diskio calls (disk_read, disk_write, ...,
// defined in sdcard.cc) become SYS_SEEK + SYS_READ / SYS_WRITE on that file, 512 bytes a
// sector. Why not a RAM disk loaded at boot and saved at the end: the smallest volume
// FatFs takes as FAT32 has 65526 clusters, 32 MiB with 512-byte clusters and 256 MiB with
// 4 KiB ones, while QEMU's mps2 boards have 24 MiB of RAM in all. Writing through also
// behaves like a card: a sector is on the medium when disk_write returns (there is no
// cache to lose), so CTRL_SYNC has nothing to do, and a firmware that dies mid-run leaves
// exactly the image a card pulled at that moment would hold.
//
//   mount    SYS_OPEN "r+b" (the image must exist and is never created, truncated or
//            grown), SYS_FLEN for its size, then f_mount with opt = 1, so the boot sector
//            is read and checked now. Errors: FR_NOT_READY (no such image, or not a whole
//            number of sectors, or 2 GiB or more: SYS_SEEK takes a signed 32-bit
//            offset); FR_NO_FILESYSTEM (not FAT, or a FAT32 with too few clusters);
//            FR_DISK_ERR (a failed read).
//   sectors  outside the image: RES_PARERR. A semihosting call that fails or moves fewer
//            bytes than asked: RES_ERROR, which FatFs reports as FR_DISK_ERR.
//   unmount  f_unmount, then SYS_CLOSE. Every open file must be closed first (FatFs does
//            not flush files on unmount).
//
// Single volume, drive 0, one image at a time; not re-entrant (FF_FS_REENTRANT 0).
#ifndef TINYTB_EXAMPLES_CORTEX_M_SDCARD_H_
#define TINYTB_EXAMPLES_CORTEX_M_SDCARD_H_

#include <stdint.h>

#include "ff.h"

namespace sdcard {

constexpr uint32_t kSectorBytes = 512;

// What the card saw, for the console.
struct Stats {
  uint32_t read_calls;      // disk_read calls
  uint32_t sectors_read;
  uint32_t write_calls;     // disk_write calls
  uint32_t sectors_written;
};

FRESULT mount(const char* image_path);
FRESULT unmount();

const Stats& stats();
// The mounted volume: "FAT12", "FAT16" or "FAT32" ("none" before mount), its cluster size
// in bytes and the image's size in sectors.
const char* fat_type();
uint32_t cluster_bytes();
uint32_t sector_count();

}  // namespace sdcard

#endif  // TINYTB_EXAMPLES_CORTEX_M_SDCARD_H_
