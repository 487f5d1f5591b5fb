/* tinytb tests: the FatFs configuration options ports/fatfs/ depends on, with the
 * meanings ChaN documents for ffconf.h. FF_USE_LFN is set per test build (-D). */
#ifndef TINYTB_TESTS_PORTS_FATFS_FFCONF_H_
#define TINYTB_TESTS_PORTS_FATFS_FFCONF_H_

#define FFCONF_DEF 80286 /* R0.15 */

#define FF_FS_READONLY 0 /* write functions present */
#define FF_FS_MINIMIZE 0 /* f_mkdir, f_truncate, f_lseek present */
#ifndef FF_USE_LFN
#define FF_USE_LFN 0     /* 0: 8.3 names only; 1-3: long file names */
#endif
#define FF_MAX_LFN 255
#define FF_LFN_UNICODE 0 /* TCHAR is char */
#define FF_FS_EXFAT 0
#define FF_FS_LOCK 0

#endif /* TINYTB_TESTS_PORTS_FATFS_FFCONF_H_ */
