// tinytb tests: a block device under ChaN's FatFs on the host (its diskio.h: disk_read,
// disk_write, disk_ioctl for drive 0), 512-byte sectors over a FAT image file made by
// mkfs.fat, with the faults an SD card shows: a power cut at the k-th sector write, a failed
// write, a failed flush. Test code: the standard library is fine.
//
// The medium is the image file (never written: it is the freshly formatted card) plus the
// sectors written since load() or reset(). Two layers model a card's write-back cache:
//   durable   sectors the card has committed;
//   pending   sectors written but not yet covered by a completed CTRL_SYNC (FatFs issues one
//             at the end of f_sync, f_close and f_mkdir). With write_back(false) every write
//             is durable at once.
// Reads see pending over durable over the image, as FatFs would from a powered card.
//
// Loss models for a cut (docs/storage.md, "The real FatFs"):
//   kDropUnsynced  the cut write never happens and every pending sector is lost
//   kTear          write-through; the cut sector gets a prefix of its new bytes, the rest old
//   kGarble        write-through; the cut sector holds noise
// and, without a cut, the flush failure: fail_sync(j) makes the j-th CTRL_SYNC return
// RES_ERROR and drop every pending sector (as Linux drops dirty pages after a failed fsync);
// fail_write(k) makes the k-th sector write return RES_ERROR without storing anything.
#ifndef TINYTB_TESTS_PORTS_FATFS_HOST_DISK_H_
#define TINYTB_TESTS_PORTS_FATFS_HOST_DISK_H_

#include <stdint.h>

#include <string>
#include <vector>

#include "ff.h"

namespace host_disk {

constexpr uint32_t kSectorSize = 512;

enum class Loss { kDropUnsynced, kTear, kGarble };

// Runs `mkfs.fat -F <fat_bits> -s <sectors_per_cluster> -S 512 -C <path> <kib>` (the file is
// replaced). false (and the command's output on stderr) if it fails.
bool make_image(const std::string& path, int fat_bits, int sectors_per_cluster, uint64_t kib);

// Uses `path` as the card (kept open, only read). Resets all state. false if unreadable.
bool load(const std::string& path);

// SD-card layouts as mkfs.fat makes them (FatFs tells FAT16 from FAT32 by the cluster
// count alone, so a FAT32 card needs more than 65,525 clusters: the images are sparse).
struct Card {
  const char* name;
  int fat_bits;
  int sectors_per_cluster;
  uint64_t kib;
};
constexpr Card kFat16Cluster4k{"fat16-4k", 16, 8, 32 * 1024};
constexpr Card kFat16Cluster32k{"fat16-32k", 16, 64, 160 * 1024};
constexpr Card kFat32Cluster4k{"fat32-4k", 32, 8, 300 * 1024};
constexpr Card kFat32Cluster32k{"fat32-32k", 32, 64, 2200 * 1024};
constexpr Card kFat12Tiny{"fat12-tiny", 12, 2, 256};  // about 240 clusters of 1 KiB: fills up fast
// Makes the card once per process (in a temporary folder removed at exit), loads it,
// resets, and mounts it. false (with the reason on stderr) if any step fails.
bool use_card(const Card& card);
// The temporary folder use_card() works in (created on first use).
std::string scratch_dir();
// Back to the freshly loaded card: no writes, no faults, powered, write-through.
void reset();
void write_back(bool on);

// The k-th sector write from now on (1-based; a multi-sector disk_write counts each sector)
// cuts the power under `model`; every later disk call fails with RES_NOTRDY.
void cut_at(uint64_t k, Loss model, uint32_t seed);
void fail_write(uint64_t k);
void fail_sync(uint64_t j);
bool powered_off();
// The power comes back: the cut's loss applied, pending sectors dropped, no fault armed.
void power_on();

// The cut, once it happened: which sector, and whether that sector had been written
// before since reset() (a rewrite: it may hold bytes a sync already confirmed).
struct CutInfo {
  bool happened = false;
  uint32_t lba = 0;
  bool rewrite = false;
};
CutInfo last_cut();
// sector_writes() when the armed fail_write/fail_sync fired; 0 while it has not.
uint64_t failed_at();

// Where a sector lies on the mounted volume: boot sector and FSINFO, the FATs, a
// directory (the root, and those named to note_directories()), or file data.
enum class Region { kReserved, kFat, kDirectory, kData };
Region region_of(uint32_t lba);
const char* region_name(Region r);
// Records the first cluster of each directory (as FatFs opens it) as directory sectors.
void note_directories(const std::vector<std::string>& paths);

uint64_t sector_writes();  // since reset()
// The sector of each write since reset(), in order.
const std::vector<uint32_t>& write_log();
uint64_t syncs();          // completed CTRL_SYNCs since reset()

// Writes the card as it is now (pending sectors included) to `path`, a sparse copy of the
// image with the written sectors in place. Repeated exports to the same path only rewrite
// the sectors that differ. false on an I/O error.
bool export_image(const std::string& path);

// FatFs helpers: mount drive 0 (f_mount, forced), unmount.
FRESULT mount();
void unmount();
// What FatFs made of the mounted card: 12, 16 or 32.
int fat_bits();

struct FoundFile {
  std::string path;  // as FatFs lists it, e.g. "logs/power/events.out..." or "LOGS/POWER/0000002A.000"
  std::vector<uint8_t> bytes;
};
// Every file under `dir` (recursively), sorted by path, read through FatFs. false on any
// FatFs error (`*error` says which call).
bool read_tree(const std::string& dir, std::vector<FoundFile>* files, std::string* error);

// Runs a shell command, returns its exit status; its output in *out (stdout and stderr).
int run(const std::string& command, std::string* out);

}  // namespace host_disk

#endif  // TINYTB_TESTS_PORTS_FATFS_HOST_DISK_H_
