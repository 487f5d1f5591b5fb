// tinytb Cortex-M firmware: FatFs's block device over a FAT image on the host (sdcard.h).
#include "sdcard.h"

#include <string.h>

#include "diskio.h"
#include "semihosting_sink.h"

namespace sdcard {
namespace {

namespace sh = tinytb::semihosting;

// Semihosting operations beyond those the semihosting port uses (ARM's "Semihosting for
// AArch32 and AArch64"): SYS_READ and SYS_WRITE return the bytes NOT transferred,
// SYS_SEEK 0 on success, SYS_FLEN the file's length or -1.
constexpr uint32_t kSysRead = 0x06;
constexpr uint32_t kSysSeek = 0x0A;
constexpr uint32_t kSysFlen = 0x0C;
constexpr uintptr_t kModeReadWriteBinary = 3;  // "r+b": exists, read and written in place
// SYS_SEEK's offset is a signed 32-bit word on AArch32.
constexpr uint32_t kMaxSectors = 0x80000000u / kSectorBytes;

intptr_t g_handle = -1;
uint32_t g_sectors = 0;
Stats g_stats = {0, 0, 0, 0};
FATFS g_fs;

bool in_range(LBA_t sector, UINT count) {
  return count > 0 && sector < g_sectors && count <= g_sectors - sector;
}

bool seek(LBA_t sector) {
  uintptr_t args[2] = {static_cast<uintptr_t>(g_handle), static_cast<uintptr_t>(sector * kSectorBytes)};
  return sh::arm_call(kSysSeek, args) == 0;
}

}  // namespace

FRESULT mount(const char* image_path) {
  if (g_handle >= 0) return FR_INT_ERR;
  uintptr_t open_args[3] = {reinterpret_cast<uintptr_t>(image_path), kModeReadWriteBinary, strlen(image_path)};
  const intptr_t handle = sh::arm_call(sh::kSysOpen, open_args);
  if (handle < 0) return FR_NOT_READY;
  uintptr_t flen_args[1] = {static_cast<uintptr_t>(handle)};
  const intptr_t bytes = sh::arm_call(kSysFlen, flen_args);
  if (bytes <= 0 || static_cast<uintptr_t>(bytes) % kSectorBytes != 0 ||
      static_cast<uintptr_t>(bytes) / kSectorBytes > kMaxSectors) {
    uintptr_t close_args[1] = {static_cast<uintptr_t>(handle)};
    (void)sh::arm_call(sh::kSysClose, close_args);
    return FR_NOT_READY;
  }
  g_handle = handle;
  g_sectors = static_cast<uint32_t>(static_cast<uintptr_t>(bytes) / kSectorBytes);
  char drive[] = "0:";
  const FRESULT r = f_mount(&g_fs, drive, 1);
  if (r != FR_OK) {
    (void)f_unmount(drive);
    uintptr_t close_args[1] = {static_cast<uintptr_t>(g_handle)};
    (void)sh::arm_call(sh::kSysClose, close_args);
    g_handle = -1;
  }
  return r;
}

FRESULT unmount() {
  if (g_handle < 0) return FR_NOT_READY;
  char drive[] = "0:";
  const FRESULT r = f_unmount(drive);
  uintptr_t close_args[1] = {static_cast<uintptr_t>(g_handle)};
  const intptr_t closed = sh::arm_call(sh::kSysClose, close_args);
  g_handle = -1;
  if (r != FR_OK) return r;
  return closed == 0 ? FR_OK : FR_DISK_ERR;
}

const Stats& stats() { return g_stats; }

const char* fat_type() {
  switch (g_fs.fs_type) {
    case FS_FAT12: return "FAT12";
    case FS_FAT16: return "FAT16";
    case FS_FAT32: return "FAT32";
    default: return "none";
  }
}

uint32_t cluster_bytes() { return static_cast<uint32_t>(g_fs.csize) * kSectorBytes; }
uint32_t sector_count() { return g_sectors; }

}  // namespace sdcard

// ---- FatFs's diskio interface (diskio.h), drive 0 only -----------------------------------------
using sdcard::g_handle;
using sdcard::g_sectors;
using sdcard::g_stats;
using sdcard::kSectorBytes;

extern "C" DSTATUS disk_status(BYTE pdrv) { return pdrv == 0 && g_handle >= 0 ? 0 : STA_NOINIT; }

// The image is opened by mount(), before FatFs asks: nothing to start.
extern "C" DSTATUS disk_initialize(BYTE pdrv) { return disk_status(pdrv); }

extern "C" DRESULT disk_read(BYTE pdrv, BYTE* buff, LBA_t sector, UINT count) {
  if (pdrv != 0 || g_handle < 0) return RES_NOTRDY;
  if (buff == nullptr || !sdcard::in_range(sector, count)) return RES_PARERR;
  ++g_stats.read_calls;
  g_stats.sectors_read += count;
  if (!sdcard::seek(sector)) return RES_ERROR;
  uintptr_t args[3] = {static_cast<uintptr_t>(g_handle), reinterpret_cast<uintptr_t>(buff),
                       static_cast<uintptr_t>(count) * kSectorBytes};
  return tinytb::semihosting::arm_call(sdcard::kSysRead, args) == 0 ? RES_OK : RES_ERROR;
}

extern "C" DRESULT disk_write(BYTE pdrv, const BYTE* buff, LBA_t sector, UINT count) {
  if (pdrv != 0 || g_handle < 0) return RES_NOTRDY;
  if (buff == nullptr || !sdcard::in_range(sector, count)) return RES_PARERR;
  ++g_stats.write_calls;
  g_stats.sectors_written += count;
  if (!sdcard::seek(sector)) return RES_ERROR;
  uintptr_t args[3] = {static_cast<uintptr_t>(g_handle), reinterpret_cast<uintptr_t>(const_cast<BYTE*>(buff)),
                       static_cast<uintptr_t>(count) * kSectorBytes};
  return tinytb::semihosting::arm_call(tinytb::semihosting::kSysWrite, args) == 0 ? RES_OK : RES_ERROR;
}

extern "C" DRESULT disk_ioctl(BYTE pdrv, BYTE cmd, void* buff) {
  if (pdrv != 0 || g_handle < 0) return RES_NOTRDY;
  switch (cmd) {
    case CTRL_SYNC: return RES_OK;  // written through: see sdcard.h
    case GET_SECTOR_COUNT:
      if (buff == nullptr) return RES_PARERR;
      *static_cast<LBA_t*>(buff) = g_sectors;
      return RES_OK;
    case GET_SECTOR_SIZE:
      if (buff == nullptr) return RES_PARERR;
      *static_cast<WORD*>(buff) = static_cast<WORD>(kSectorBytes);
      return RES_OK;
    case GET_BLOCK_SIZE:
      if (buff == nullptr) return RES_PARERR;
      *static_cast<DWORD*>(buff) = 1;  // unknown erase block
      return RES_OK;
    default: return RES_PARERR;
  }
}
