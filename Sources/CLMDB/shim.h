#ifndef CUSLEDGER_CLMDB_SHIM_H
#define CUSLEDGER_CLMDB_SHIM_H
#include <lmdb.h>

/* mdb_open is a macro for mdb_dbi_open; Swift cannot import macros, and every call site uses mdb_dbi_open. */
#endif
