#ifndef CUSLEDGER_CLMDB_SHIM_H
#define CUSLEDGER_CLMDB_SHIM_H
#include <lmdb.h>

/* mdb_open is a macro for mdb_dbi_open; Swift cannot import macros, and every call site uses mdb_dbi_open. */
/* A hint that `address` will be read soon: the CPU starts loading its cache line without waiting for it. */
static inline void cusledger_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
#endif
