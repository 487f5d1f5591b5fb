// tinytb tests: the host block device under FatFs (see host_disk.h).
#include "host_disk.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>

extern "C" {
#include "diskio.h"
}

namespace host_disk {
namespace {

using Sector = std::array<uint8_t, kSectorSize>;

struct Device {
  int fd = -1;
  std::string path;
  uint64_t sectors = 0;
  std::map<uint32_t, Sector> durable, pending;
  bool write_back = false;
  bool off = false;
  uint64_t writes = 0, syncs = 0, sync_calls = 0;
  uint64_t cut_at = 0, fail_write = 0, fail_sync = 0;
  Loss loss = Loss::kDropUnsynced;
  uint32_t seed = 0;
  CutInfo cut;
  uint64_t failed_at = 0;
  std::set<uint32_t> written;  // every sector written since reset()
  std::vector<uint32_t> log;   // and in order
  std::set<uint32_t> dir_sectors;
  // The last export: its path, and the sectors it holds that differ from the image.
  std::string exported;
  std::set<uint32_t> exported_sectors;
};

Device g;
FATFS g_fs;

bool read_base(uint32_t lba, uint8_t* out) {
  const ssize_t n = pread(g.fd, out, kSectorSize, static_cast<off_t>(lba) * kSectorSize);
  return n == static_cast<ssize_t>(kSectorSize);
}

bool read_sector(uint32_t lba, uint8_t* out) {
  auto p = g.pending.find(lba);
  if (p != g.pending.end()) {
    memcpy(out, p->second.data(), kSectorSize);
    return true;
  }
  auto d = g.durable.find(lba);
  if (d != g.durable.end()) {
    memcpy(out, d->second.data(), kSectorSize);
    return true;
  }
  return read_base(lba, out);
}

uint32_t next_random() {
  g.seed = g.seed * 1664525u + 1013904223u;
  return g.seed >> 8;
}

// The cut write under the write-through models: part or none of the new bytes land.
void damage(uint32_t lba, const uint8_t* fresh) {
  Sector s;
  if (!read_sector(lba, s.data())) s.fill(0);
  if (g.loss == Loss::kTear) {
    const uint32_t keep = 1 + next_random() % (kSectorSize - 1);  // at least one byte old, one new
    memcpy(s.data(), fresh, keep);
  } else {
    for (auto& b : s) b = static_cast<uint8_t>(next_random());
  }
  g.durable[lba] = s;
}

}  // namespace

bool make_image(const std::string& path, int fat_bits, int sectors_per_cluster, uint64_t kib) {
  unlink(path.c_str());
  // A fixed volume id: the same card every run.
  const std::string cmd = "mkfs.fat -F " + std::to_string(fat_bits) + " -s " + std::to_string(sectors_per_cluster) +
                          " -S 512 -i 7B7B0001 -n TINYTB -C '" + path + "' " + std::to_string(kib);
  std::string out;
  if (run(cmd, &out) != 0) {
    fprintf(stderr, "%s\n%s", cmd.c_str(), out.c_str());
    return false;
  }
  return true;
}

bool load(const std::string& path) {
  if (g.fd >= 0) close(g.fd);
  g = Device();
  g.path = path;
  g.fd = open(path.c_str(), O_RDONLY);
  if (g.fd < 0) return false;
  struct stat st;
  if (fstat(g.fd, &st) != 0 || st.st_size % kSectorSize != 0) return false;
  g.sectors = static_cast<uint64_t>(st.st_size) / kSectorSize;
  return true;
}

void reset() {
  g.cut = CutInfo();
  g.failed_at = 0;
  g.written.clear();
  g.log.clear();
  g.durable.clear();
  g.pending.clear();
  g.write_back = false;
  g.off = false;
  g.writes = g.syncs = g.sync_calls = 0;
  g.cut_at = g.fail_write = g.fail_sync = 0;
}

void write_back(bool on) { g.write_back = on; }

void cut_at(uint64_t k, Loss model, uint32_t seed) {
  g.cut_at = g.writes + k;
  g.loss = model;
  g.seed = seed * 2654435761u + 1;
}

void fail_write(uint64_t k) { g.fail_write = g.writes + k; }
void fail_sync(uint64_t j) { g.fail_sync = g.sync_calls + j; }
bool powered_off() { return g.off; }

void power_on() {
  g.pending.clear();
  g.off = false;
  g.cut_at = g.fail_write = g.fail_sync = 0;
}

uint64_t sector_writes() { return g.writes; }
const std::vector<uint32_t>& write_log() { return g.log; }
CutInfo last_cut() { return g.cut; }
uint64_t failed_at() { return g.failed_at; }

Region region_of(uint32_t lba) {
  if (lba < g_fs.fatbase) return Region::kReserved;
  if (lba < g_fs.fatbase + g_fs.fsize * g_fs.n_fats) return Region::kFat;
  if (g_fs.fs_type != FS_FAT32 && lba < g_fs.database) return Region::kDirectory;  // FAT12/16 root
  if (g.dir_sectors.count(lba) != 0) return Region::kDirectory;
  return Region::kData;
}

const char* region_name(Region r) {
  switch (r) {
    case Region::kReserved: return "boot/FSINFO";
    case Region::kFat: return "FAT";
    case Region::kDirectory: return "directory";
    default: return "data";
  }
}

void note_directories(const std::vector<std::string>& paths) {
  auto add_cluster = [](DWORD clst) {
    if (clst < 2) return;
    const LBA_t first = g_fs.database + static_cast<LBA_t>(g_fs.csize) * (clst - 2);
    for (UINT i = 0; i < g_fs.csize; ++i) g.dir_sectors.insert(static_cast<uint32_t>(first + i));
  };
  if (g_fs.fs_type == FS_FAT32) add_cluster(static_cast<DWORD>(g_fs.dirbase));
  for (const auto& p : paths) {
    DIR d;
    if (f_opendir(&d, p.c_str()) != FR_OK) continue;
    add_cluster(d.obj.sclust);
    f_closedir(&d);
  }
}
uint64_t syncs() { return g.syncs; }

bool export_image(const std::string& path) {
  if (path != g.exported) {
    std::string out;
    if (run("cp --sparse=always '" + g.path + "' '" + path + "'", &out) != 0) {
      fprintf(stderr, "cannot copy the image: %s", out.c_str());
      return false;
    }
    g.exported = path;
    g.exported_sectors.clear();
  }
  const int fd = open(path.c_str(), O_WRONLY);
  if (fd < 0) return false;
  std::set<uint32_t> now;
  for (const auto& d : g.durable) now.insert(d.first);
  for (const auto& p : g.pending) now.insert(p.first);
  bool ok = true;
  Sector s;
  for (uint32_t lba : g.exported_sectors) {  // sectors of the last export this one does not write
    if (now.count(lba) == 0) ok = ok && read_base(lba, s.data()) &&
                                  pwrite(fd, s.data(), kSectorSize, static_cast<off_t>(lba) * kSectorSize) ==
                                      static_cast<ssize_t>(kSectorSize);
  }
  for (uint32_t lba : now) {
    ok = ok && read_sector(lba, s.data()) &&
         pwrite(fd, s.data(), kSectorSize, static_cast<off_t>(lba) * kSectorSize) == static_cast<ssize_t>(kSectorSize);
  }
  ok = close(fd) == 0 && ok;
  g.exported_sectors = now;
  return ok;
}

std::string scratch_dir() {
  static std::string dir;
  if (dir.empty()) {
    char tmpl[] = "/tmp/tinytb-fatfs-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return "/tmp";
    dir = tmpl;
    atexit([] {
      std::string out;
      run("rm -rf '" + dir + "'", &out);
    });
  }
  return dir;
}

bool use_card(const Card& card) {
  static std::set<std::string> made;
  const std::string path = scratch_dir() + "/" + card.name + ".img";
  if (made.count(path) == 0) {
    if (!make_image(path, card.fat_bits, card.sectors_per_cluster, card.kib)) return false;
    made.insert(path);
  }
  if (g.path != path && !load(path)) {
    fprintf(stderr, "cannot load %s\n", path.c_str());
    return false;
  }
  reset();
  const FRESULT r = mount();
  if (r != FR_OK) fprintf(stderr, "f_mount on %s: %d\n", path.c_str(), r);
  return r == FR_OK;
}

FRESULT mount() { return f_mount(&g_fs, "", 1); }
void unmount() { f_mount(nullptr, "", 0); }
int fat_bits() { return g_fs.fs_type == FS_FAT32 ? 32 : g_fs.fs_type == FS_FAT16 ? 16 : 12; }

namespace {

// A damaged directory can name itself, or claim gigabytes: both end the walk with an error.
constexpr int kMaxDepth = 8;
constexpr FSIZE_t kMaxFileBytes = 64u << 20;

bool walk(const std::string& dir, int depth, std::vector<FoundFile>* files, std::string* error) {
  if (depth > kMaxDepth) {
    *error = "directories nested deeper than " + std::to_string(kMaxDepth) + " (a damaged directory?)";
    return false;
  }
  DIR d;
  FRESULT r = f_opendir(&d, dir.c_str());
  if (r != FR_OK) {
    *error = "f_opendir(" + dir + ") = " + std::to_string(r);
    return false;
  }
  std::vector<std::pair<std::string, bool>> entries;
  while (true) {
    FILINFO info;
    r = f_readdir(&d, &info);
    if (r != FR_OK) {
      *error = "f_readdir(" + dir + ") = " + std::to_string(r);
      f_closedir(&d);
      return false;
    }
    if (info.fname[0] == '\0') break;
    entries.push_back({info.fname, (info.fattrib & AM_DIR) != 0});
  }
  f_closedir(&d);
  for (const auto& e : entries) {
    const std::string path = dir.empty() ? e.first : dir + "/" + e.first;
    if (e.second) {
      if (!walk(path, depth + 1, files, error)) return false;
      continue;
    }
    FIL f;
    r = f_open(&f, path.c_str(), FA_READ);
    if (r != FR_OK) {
      *error = "f_open(" + path + ") = " + std::to_string(r);
      return false;
    }
    if (f_size(&f) > kMaxFileBytes) {
      f_close(&f);
      *error = path + ": " + std::to_string(f_size(&f)) + " bytes (a damaged directory entry?)";
      return false;
    }
    FoundFile found{path, {}};
    found.bytes.resize(f_size(&f));
    UINT got = 0;
    r = found.bytes.empty() ? FR_OK : f_read(&f, found.bytes.data(), static_cast<UINT>(found.bytes.size()), &got);
    f_close(&f);
    if (r != FR_OK || got != found.bytes.size()) {
      *error = "f_read(" + path + ") = " + std::to_string(r) + ", " + std::to_string(got) + " bytes";
      return false;
    }
    files->push_back(std::move(found));
  }
  return true;
}

}  // namespace

bool read_tree(const std::string& dir, std::vector<FoundFile>* files, std::string* error) {
  files->clear();
  if (!walk(dir, 0, files, error)) return false;
  std::sort(files->begin(), files->end(), [](const FoundFile& a, const FoundFile& b) { return a.path < b.path; });
  return true;
}

int run(const std::string& command, std::string* out) {
  out->clear();
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out->append(buf, n);
  const int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace host_disk

// ---- FatFs's diskio.h, drive 0 --------------------------------------------------------------

extern "C" {

DSTATUS disk_status(BYTE pdrv) { return pdrv != 0 || host_disk::g.fd < 0 || host_disk::g.off ? STA_NOINIT : 0; }
DSTATUS disk_initialize(BYTE pdrv) { return disk_status(pdrv); }

DRESULT disk_read(BYTE pdrv, BYTE* buff, LBA_t sector, UINT count) {
  using namespace host_disk;
  if (disk_status(pdrv) != 0) return RES_NOTRDY;
  if (sector + count > g.sectors) return RES_PARERR;
  for (UINT i = 0; i < count; ++i) {
    if (!read_sector(static_cast<uint32_t>(sector + i), buff + i * kSectorSize)) return RES_ERROR;
  }
  return RES_OK;
}

DRESULT disk_write(BYTE pdrv, const BYTE* buff, LBA_t sector, UINT count) {
  using namespace host_disk;
  if (disk_status(pdrv) != 0) return RES_NOTRDY;
  if (sector + count > g.sectors) return RES_PARERR;
  for (UINT i = 0; i < count; ++i) {
    const uint32_t lba = static_cast<uint32_t>(sector + i);
    const uint8_t* data = buff + i * kSectorSize;
    ++g.writes;
    if (g.writes == g.cut_at) {
      g.cut = CutInfo{true, lba, g.written.count(lba) != 0};
      if (g.loss != Loss::kDropUnsynced) damage(lba, data);
      g.off = true;
      return RES_NOTRDY;
    }
    if (g.writes == g.fail_write) {
      g.failed_at = g.writes;
      return RES_ERROR;
    }
    g.written.insert(lba);
    g.log.push_back(lba);
    Sector s;
    memcpy(s.data(), data, kSectorSize);
    if (g.write_back) {
      g.pending[lba] = s;
    } else {
      g.durable[lba] = s;
    }
  }
  return RES_OK;
}

DRESULT disk_ioctl(BYTE pdrv, BYTE cmd, void* buff) {
  using namespace host_disk;
  if (disk_status(pdrv) != 0) return RES_NOTRDY;
  switch (cmd) {
    case CTRL_SYNC:
      ++g.sync_calls;
      if (g.sync_calls == g.fail_sync) {
        g.failed_at = g.writes;
        g.pending.clear();  // the card lost its cache; FatFs still thinks those sectors are written
        return RES_ERROR;
      }
      for (auto& p : g.pending) g.durable[p.first] = p.second;
      g.pending.clear();
      ++g.syncs;
      return RES_OK;
    case GET_SECTOR_COUNT:
      *static_cast<LBA_t*>(buff) = static_cast<LBA_t>(g.sectors);
      return RES_OK;
    case GET_SECTOR_SIZE:
      *static_cast<WORD*>(buff) = kSectorSize;
      return RES_OK;
    case GET_BLOCK_SIZE:
      *static_cast<DWORD*>(buff) = 1;
      return RES_OK;
    default:
      return RES_PARERR;
  }
}

}  // extern "C"
