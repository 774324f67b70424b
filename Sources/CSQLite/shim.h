// The system SQLite (apt: libsqlite3-dev), plus helpers for what Swift cannot call directly.
#ifndef EXPORTDESK_CSQLITE_SHIM_H
#define EXPORTDESK_CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast macro Swift cannot import: tells SQLite to copy bound text.
static inline int exportdesk_bind_text(sqlite3_stmt *stmt, int index, const char *text, int bytes) {
    return sqlite3_bind_text(stmt, index, text, bytes, SQLITE_TRANSIENT);
}
static inline int exportdesk_bind_blob(sqlite3_stmt *stmt, int index, const void *data, int bytes) {
    return sqlite3_bind_blob(stmt, index, data, bytes, SQLITE_TRANSIENT);
}
// Called once before the first connection: no global memory statistics, so SQLite's allocator takes no
// global mutex on every malloc.
static inline int exportdesk_configure_sqlite(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
