#ifndef AIRLOCK_CARCHIVE_SHIM_H
#define AIRLOCK_CARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>

/* Constants built from casts and operators do not import into Swift. */
static inline unsigned int airlock_ae_ifreg(void) { return AE_IFREG; }
static inline unsigned int airlock_ae_ifdir(void) { return AE_IFDIR; }
static inline unsigned int airlock_ae_iflnk(void) { return AE_IFLNK; }
static inline unsigned int airlock_ae_ifmt(void) { return AE_IFMT; }
static inline unsigned int airlock_ae_ifchr(void) { return AE_IFCHR; }
static inline unsigned int airlock_ae_ifblk(void) { return AE_IFBLK; }
static inline unsigned int airlock_ae_ififo(void) { return AE_IFIFO; }
static inline unsigned int airlock_ae_ifsock(void) { return AE_IFSOCK; }
#endif
