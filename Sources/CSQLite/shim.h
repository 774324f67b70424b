// The system SQLite (apt: libsqlite3-dev), plus helpers for what Swift cannot call directly.
#ifndef EXPORTDESK_CSQLITE_SHIM_H
#define EXPORTDESK_CSQLITE_SHIM_H
#include <sqlite3.h>
#include <string.h>

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
// rowset_contains(set, rowid): whether `rowid` is in `set`, a blob of an 8-byte native base rowid followed by
// a bitmap (bit i is rowid base + i), as Storage's RowSetBitmap writes it. A list that matched many rows of an
// index it cannot drive from (full-text matches) binds the matches once and tests each row it walks in O(1),
// instead of SQLite building an ephemeral index of them for every statement.
static inline void exportdesk_rowset_contains(sqlite3_context *context, int argc, sqlite3_value **argv) {
    (void)argc;
    const unsigned char *set = sqlite3_value_blob(argv[0]);
    int bytes = sqlite3_value_bytes(argv[0]);
    sqlite3_int64 rowid = sqlite3_value_int64(argv[1]);
    int found = 0;
    if (set != NULL && bytes > 8) {
        sqlite3_int64 base;
        memcpy(&base, set, sizeof base);
        if (rowid >= base) {
            sqlite3_uint64 offset = (sqlite3_uint64)rowid - (sqlite3_uint64)base;
            if (offset < (sqlite3_uint64)(bytes - 8) * 8) found = (set[8 + offset / 8] >> (offset % 8)) & 1;
        }
    }
    sqlite3_result_int(context, found);
}
// The SQL functions every connection of ours has.
static inline int exportdesk_register_functions(sqlite3 *db) {
    return sqlite3_create_function_v2(
        db, "rowset_contains", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
        exportdesk_rowset_contains, NULL, NULL, NULL);
}
#endif
