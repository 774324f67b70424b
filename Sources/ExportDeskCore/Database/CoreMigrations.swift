import Storage

/// The database schema, one migration per step; never edit a shipped step, add a new one.
public enum CoreMigrations {
    public static let all: [Migration] = [
        Migration(
            version: 1,
            sql: """
                CREATE TABLE changes(
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    entity TEXT NOT NULL, entity_id TEXT NOT NULL, op TEXT NOT NULL, action TEXT NOT NULL,
                    version INTEGER NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL);
                CREATE INDEX changes_by_record ON changes(entity_id, seq);

                CREATE TABLE idempotency(
                    actor TEXT NOT NULL, key TEXT NOT NULL, method TEXT NOT NULL, params TEXT NOT NULL,
                    response TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY(actor, key)) WITHOUT ROWID;
                CREATE INDEX idempotency_age ON idempotency(created_at);

                CREATE TABLE companies(
                    rowid INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    status TEXT NOT NULL,
                    inn TEXT, size TEXT, export_status TEXT,
                    name_key TEXT NOT NULL,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    ext_system TEXT, ext_id TEXT,
                    data TEXT NOT NULL);
                CREATE UNIQUE INDEX companies_active_inn ON companies(inn) WHERE status = 'active' AND inn IS NOT NULL;
                CREATE UNIQUE INDEX companies_external_ref ON companies(ext_system, ext_id) WHERE ext_system IS NOT NULL;
                -- Sort indexes carry the single-value filter columns, so a filtered scan reads no table rows.
                CREATE INDEX companies_by_created ON companies(status, created_at, id, size, export_status);
                CREATE INDEX companies_by_updated ON companies(status, updated_at, id, size, export_status);
                CREATE INDEX companies_by_name ON companies(status, name_key, id, size, export_status);

                -- Multi-valued filter fields (targetMarket, okved, hsCode, tag), one row per value.
                CREATE TABLE company_facets(
                    company_id TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,
                    PRIMARY KEY(kind, value, company_id)) WITHOUT ROWID;

                -- Full-text search: unicode61 folds case for Cyrillic as for Latin. Contentless (the text lives in
                -- companies.data) and without per-row sizes: only the index is written.
                CREATE VIRTUAL TABLE companies_fts USING fts5(
                    name, short_name, name_en, notes, tags, tokenize = 'unicode61 remove_diacritics 2',
                    content = '', columnsize = 0);
                -- Merge segments 16 at a time instead of 4: with many small commits, fewer and larger merges.
                INSERT INTO companies_fts(companies_fts, rank) VALUES ('automerge', 16);
                """),
        Migration(
            version: 2,
            sql: """
                CREATE TABLE tokens(
                    id TEXT PRIMARY KEY, role TEXT NOT NULL, institution_id TEXT, company_id TEXT, label TEXT NOT NULL,
                    hash BLOB NOT NULL UNIQUE, created_at TEXT NOT NULL, expires_at TEXT, revoked_at TEXT);
                """),
        Migration(
            version: 3,
            sql: """
                CREATE TABLE staff(
                    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, data TEXT NOT NULL,
                    email_key TEXT NOT NULL, active INTEGER NOT NULL, name_key TEXT NOT NULL);
                CREATE UNIQUE INDEX staff_email ON staff(email_key);
                CREATE INDEX staff_by_name ON staff(name_key, id);
                """),
        Migration(
            version: 4,
            sql: """
                CREATE TABLE requests(
                    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, data TEXT NOT NULL,
                    status TEXT NOT NULL, service TEXT NOT NULL, company_id TEXT NOT NULL, curator_id TEXT,
                    text_key TEXT NOT NULL);
                CREATE INDEX requests_by_created ON requests(created_at, id);
                CREATE INDEX requests_by_company ON requests(company_id, created_at);
                CREATE INDEX requests_by_curator ON requests(curator_id, status);
                """),
        Migration(
            version: 5,
            sql: """
                CREATE TABLE events(
                    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, data TEXT NOT NULL,
                    status TEXT NOT NULL, kind TEXT NOT NULL, country TEXT NOT NULL, starts_on TEXT NOT NULL,
                    ends_on TEXT NOT NULL, text_key TEXT NOT NULL, sectors_key TEXT NOT NULL);
                CREATE INDEX events_by_start ON events(starts_on, id);
                CREATE TABLE participations(
                    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, data TEXT NOT NULL,
                    status TEXT NOT NULL, event_id TEXT NOT NULL, company_id TEXT NOT NULL, waitlisted_at TEXT);
                CREATE UNIQUE INDEX participations_one_per_company ON participations(event_id, company_id);
                CREATE INDEX participations_by_event ON participations(event_id, status, waitlisted_at);
                CREATE INDEX participations_by_company ON participations(company_id, created_at);
                CREATE INDEX participations_by_created ON participations(created_at, id);
                """),
        Migration(
            version: 6,
            sql: """
                CREATE TABLE strategies(
                    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, data TEXT NOT NULL,
                    status TEXT NOT NULL, company_id TEXT NOT NULL, curator_id TEXT);
                CREATE INDEX strategies_by_company ON strategies(company_id, created_at);
                CREATE INDEX strategies_by_created ON strategies(created_at, id);
                """),
        Migration(
            version: 7,
            sql: """
                CREATE TABLE institutions(
                    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, data TEXT NOT NULL,
                    status TEXT NOT NULL, kind TEXT NOT NULL, name_key TEXT NOT NULL, text_key TEXT NOT NULL);
                CREATE INDEX institutions_by_name ON institutions(status, name_key, id);
                CREATE TABLE agreements(
                    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, data TEXT NOT NULL,
                    institution_id TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT NOT NULL, ends_on TEXT NOT NULL,
                    terminated INTEGER NOT NULL);
                CREATE INDEX agreements_by_institution ON agreements(institution_id, valid_from);
                CREATE INDEX agreements_by_start ON agreements(valid_from, id);
                """),
        Migration(
            version: 8,
            sql: """
                CREATE TABLE offers(
                    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, data TEXT NOT NULL,
                    status TEXT NOT NULL, company_id TEXT NOT NULL, starts_on TEXT NOT NULL, ends_on TEXT NOT NULL,
                    text_key TEXT NOT NULL, specialties_key TEXT NOT NULL, ext_system TEXT, ext_id TEXT);
                CREATE INDEX offers_by_start ON offers(starts_on, id);
                CREATE INDEX offers_by_company ON offers(company_id, starts_on);
                CREATE UNIQUE INDEX offers_external_ref ON offers(ext_system, ext_id) WHERE ext_system IS NOT NULL;
                CREATE TABLE students(
                    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, data TEXT NOT NULL,
                    institution_id TEXT NOT NULL, specialty TEXT NOT NULL, course INTEGER NOT NULL, name_key TEXT NOT NULL,
                    text_key TEXT NOT NULL, ext_system TEXT, ext_id TEXT);
                CREATE INDEX students_by_name ON students(name_key, id);
                CREATE INDEX students_by_institution ON students(institution_id, name_key);
                CREATE UNIQUE INDEX students_external_ref ON students(ext_system, ext_id) WHERE ext_system IS NOT NULL;
                CREATE TABLE placements(
                    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, data TEXT NOT NULL,
                    status TEXT NOT NULL, student_id TEXT NOT NULL, offer_id TEXT NOT NULL, company_id TEXT NOT NULL,
                    institution_id TEXT NOT NULL, starts_on TEXT NOT NULL, ends_on TEXT NOT NULL, ext_system TEXT, ext_id TEXT);
                CREATE INDEX placements_by_student ON placements(student_id, starts_on);
                CREATE INDEX placements_by_offer ON placements(offer_id, status);
                CREATE INDEX placements_by_institution ON placements(institution_id, starts_on);
                CREATE INDEX placements_by_company ON placements(company_id, starts_on);
                CREATE INDEX placements_by_start ON placements(starts_on, id);
                CREATE UNIQUE INDEX placements_external_ref ON placements(ext_system, ext_id) WHERE ext_system IS NOT NULL;
                """),
        Migration(
            version: 9,
            sql: """
                -- Facet rows carry their company's status, so a count of one facet value among active (or archived)
                -- companies is a range of this primary key, read from the index alone.
                CREATE TABLE company_facets_v9(
                    company_id TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, status TEXT NOT NULL,
                    PRIMARY KEY(kind, value, status, company_id)) WITHOUT ROWID;
                INSERT INTO company_facets_v9(company_id, kind, value, status)
                    SELECT f.company_id, f.kind, f.value, c.status FROM company_facets f JOIN companies c ON c.id = f.company_id;
                DROP TABLE company_facets;
                ALTER TABLE company_facets_v9 RENAME TO company_facets;
                -- Companies per status, kept in the write transaction: the total of an unfiltered list.
                CREATE TABLE company_counts(status TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO company_counts(status, n) SELECT status, count(*) FROM companies GROUP BY status;
                """),
        Migration(
            version: 10,
            sql: """
                -- The internship reports count placements by period, status, host, institution and student from
                -- this index alone; a student's specialty is read from its own small index.
                CREATE INDEX placements_report ON placements(starts_on, status, company_id, institution_id, student_id);
                CREATE INDEX students_specialty ON students(id, specialty);
                """),
        Migration(
            version: 11,
            sql: """
                -- companies.list totals: a size or export-status filter counts an index range, and a facet joined
                -- with those filters checks each company in this covering index instead of reading its row.
                CREATE INDEX companies_by_size ON companies(status, size);
                CREATE INDEX companies_by_export_status ON companies(status, export_status);
                CREATE INDEX companies_facet_join ON companies(id, status, size, export_status);
                """),
        Migration(version: 12, sql: CoreMigrations.listIndexes),
        Migration(version: 13, sql: CoreMigrations.sizeAndExportStatus),
        Migration(version: 14, sql: CoreMigrations.facetColumns(withoutRowID: true)),
        Migration(version: 15, sql: CoreMigrations.wordIndex(.sqlite)),
        Migration(
            version: 16,
            sql: """
                -- The state companies.list's kept rowid sets belong to (CompanySets): a token made with the
                -- database, and a counter every company write moves in its own transaction.
                CREATE TABLE company_generation(id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL, token TEXT NOT NULL);
                INSERT INTO company_generation(id, n, token) VALUES (1, 0, lower(hex(randomblob(16))));
                """),
        Migration(version: 17, sql: CoreMigrations.filterIndexes),
        Migration(version: 18, sql: CoreMigrations.recordCounts),
        Migration(version: 19, sql: CoreMigrations.columnCounts(.sqlite)),
        Migration(version: 20, sql: CoreMigrations.placementCounts),
    ]

    /// SQLite step 20, PostgreSQL step 19: placements counted per status as participations are (RecordCounts),
    /// so that a status's total is one read (the completed placements of the 100× demo took 1.1 ms to count).
    static let placementCounts = """
        INSERT INTO record_counts(entity, value, n)
            SELECT 'placement', status, count(*) FROM placements GROUP BY status;
        """

    /// SQLite step 19, PostgreSQL step 18: companies counted per status, size and export status (CompanyIndex),
    /// so that a total over those columns alone sums a few rows (a size's 30,000 companies at the 100× demo
    /// took 3.5 ms to count). A list of the status alone sums its rows too.
    static func columnCounts(_ dialect: SQLDialect) -> String {
        """
        CREATE TABLE company_counts_v19(
            status TEXT NOT NULL, size TEXT NOT NULL, export_status TEXT NOT NULL, n BIGINT NOT NULL,
            PRIMARY KEY(status, size, export_status))\(dialect == .sqlite ? " WITHOUT ROWID" : "");
        INSERT INTO company_counts_v19(status, size, export_status, n)
            SELECT status, coalesce(size, ''), coalesce(export_status, ''), count(*) FROM companies
            GROUP BY status, coalesce(size, ''), coalesce(export_status, '');
        DROP TABLE company_counts;
        ALTER TABLE company_counts_v19 RENAME TO company_counts;
        """
    }

    /// SQLite step 18, PostgreSQL step 17: the count of participations per status (RecordCounts), so that the
    /// total of a status alone is one read (the 93,000 attended of the 100× demo took 6.3 ms to count).
    static let recordCounts = """
        CREATE TABLE record_counts(
            entity TEXT NOT NULL, value TEXT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY(entity, value));
        INSERT INTO record_counts(entity, value, n)
            SELECT 'participation', status, count(*) FROM participations GROUP BY status;
        """

    /// SQLite step 17, PostgreSQL step 16: a list filtered by a column that many rows share and sorted by another
    /// walks an index of both, and its total counts one range of it. Without them, the 1,832 `applied`
    /// participations of the 100× demo were found by walking all 123,000 in creation order (84 ms a page, 108 ms
    /// with the total), and a course's students by reading all 40,000 (22 ms with the total).
    static let filterIndexes = """
        CREATE INDEX participations_by_status_created ON participations(status, created_at, id);
        CREATE INDEX events_by_status_start ON events(status, starts_on, id);
        CREATE INDEX students_by_course_name ON students(course, name_key, id);
        """

    /// Step 12, the same on both engines: a list filtered by one column and sorted by another walks an index of
    /// both instead of the sort's index probing every row (a specialty no student has read all 40,000 of the
    /// 100× demo's students); an events period filter reads ends_on from the index it walks.
    static let listIndexes = """
        CREATE INDEX students_by_specialty_name ON students(specialty, name_key, id);
        CREATE INDEX events_by_country_start ON events(country, starts_on, id);
        CREATE INDEX events_by_start_end ON events(starts_on, id, ends_on);
        CREATE INDEX requests_by_status_created ON requests(status, created_at, id);
        """

    /// Step 13, the same on both engines: `size` and `exportStatus` together count one range of one index
    /// (21 → 1.1 ms for the total at the 100× demo) instead of checking every company of one size; `size` alone
    /// still counts a prefix of it.
    static let sizeAndExportStatus = """
        DROP INDEX companies_by_size;
        CREATE INDEX companies_by_size ON companies(status, size, export_status);
        """

    /// Step 14: facet rows carry their company's size and export status ('' when it has none: key columns
    /// cannot be null), as key columns, so the total of a facet with `size` (and `exportStatus`) is one range of
    /// the key (20 ms for `targetMarket` + `size` at the 100× demo, joined to companies), and a page probes a
    /// company's facet row with one seek. The key grows; no index is added, so a create writes no more rows.
    /// The company's rowid rides along (not in the key): a search's bitmap tests facet rows without a join.
    static func facetColumns(withoutRowID: Bool) -> String {
        """
        CREATE TABLE company_facets_v14(
            company_id TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, status TEXT NOT NULL,
            size TEXT NOT NULL, export_status TEXT NOT NULL, company_rowid INTEGER NOT NULL,
            PRIMARY KEY(kind, value, status, size, export_status, company_id))\(withoutRowID ? " WITHOUT ROWID" : "");
        INSERT INTO company_facets_v14(company_id, kind, value, status, size, export_status, company_rowid)
            SELECT f.company_id, f.kind, f.value, f.status, coalesce(c.size, ''), coalesce(c.export_status, ''), c.rowid
            FROM company_facets f JOIN companies c ON c.id = f.company_id;
        DROP TABLE company_facets;
        ALTER TABLE company_facets_v14 RENAME TO company_facets;
        """
    }

    /// Step 15: the words of every simple entity's `text_key`, one row each (WordIndex), so that `q` reads the
    /// records that have a word instead of testing every row's `text_key` (80 ms for a word no student has).
    static func wordIndex(_ dialect: SQLDialect) -> String {
        """
        CREATE TABLE record_words(
            entity TEXT NOT NULL, word TEXT NOT NULL, record_rowid INTEGER NOT NULL,
            PRIMARY KEY(entity, word, record_rowid))\(dialect == .sqlite ? " WITHOUT ROWID" : "");
        """ + WordIndex.backfillSQL(dialect)
    }
}
