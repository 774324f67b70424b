let usage = """
    exportdesk — the ExportDesk JSON-RPC 2.0 server and its command-line client

    USAGE
      exportdesk serve [--stdio] [--socket PATH] [--db PATH|postgresql://...] [options]
      exportdesk call METHOD [PARAMS-JSON] [--socket PATH] [--token SECRET] [--timeout SECONDS]
      exportdesk backup [--db PATH] TARGET   consistent copy of the database (safe while serving)
      exportdesk migrate-db --from LOCATION --to LOCATION
                              copies every record, the change log with its seqs, tokens and idempotency keys
                              between engines (SQLite file <-> postgresql:// URL) into an empty database,
                              with a progress bar; verifies a count and a checksum per table
      exportdesk demo [--db PATH] [--scale N] [--seed N]
                              loads a generated programme into an empty database: per scale unit 1,000
                              companies, 12 staff, 150 events with participations and results, 280 requests,
                              60 strategies, 12 institutions with agreements, 40 offers, 400 students, placements
      exportdesk import companies|students FILE [--socket PATH] [--token SECRET] [--institution ID]
                              CSV (UTF-8, with or without BOM, ; or ,) or JSON Lines (.jsonl) through the
                              running server; bad rows are reported (row, field, reason) and the rest imported;
                              exit 3 when rows were rejected; safe to re-run (per-row idempotency keys).
                              Student columns: institutionId (or --institution), fullName, birthDate, specialty,
                              course, email, phone, externalSystem, externalId (then upserted by it)
      exportdesk export ENTITY --format csv|jsonl [--filter JSON] [--out FILE] [--socket PATH] [--token SECRET]
                              every record of a list through the running server, page by page; CSV with a
                              BOM, ';' and RFC 4180 quoting; companies and students import back
      exportdesk report summary|events|internships|requests [--from DATE] [--to DATE] --html FILE
                              [--socket PATH | --db PATH] [--token SECRET]
                              the report as one self-contained HTML page (inline SVG charts, Russian, A4)
      exportdesk token create --role ROLE --label TEXT [--institution ID] [--company ID]
                              [--expires-at RFC3339] [--db PATH]   prints the new token's secret only
      exportdesk mcp [--db PATH | --socket PATH] [--token SECRET] [--tools read|all]
                              serves the methods as MCP tools and the records as resources over stdio,
                              for AI assistants; read-only tools without a token unless --tools all;
                              the token also from $EXPORTDESK_TOKEN
      exportdesk service units [--db PATH] [--socket PATH] [--user]
                              prints a hardened systemd .socket and .service pair for this binary
                              (socket activation: clients queue while the service restarts)
      exportdesk --help | --version

    SERVE
      --stdio                  serve JSON-RPC on stdin/stdout (logs go to stderr)
      --socket PATH            serve on a Unix socket (default: $XDG_RUNTIME_DIR/exportdesk.sock,
                               else ./exportdesk.sock, when --stdio is not given)
      --db PATH                SQLite database (default $EXPORTDESK_DB, else ./exportdesk.sqlite); created
                               and migrated forward on start; a file from a newer ExportDesk is refused
      --durability full|normal full (default): a write is acknowledged after an fsync'd commit;
                               normal: survives a process crash, may lose the last commits on power loss
      --max-db-pages N         cap the database at N pages of 4 KiB (a quota); writes beyond it are
                               answered -32004 STORAGE_UNAVAILABLE while reads go on
      --require-auth           every connection must call session.authenticate (by default stdio and
                               socket peers running as the server's own user are admin)
      --commit-per-request     one transaction per write instead of group commit (for measurements)
      --socket-mode MODE       octal file mode of the socket (default 0600)
      --log-level LEVEL        error | warn | info | debug (default info)
      --log-format FORMAT      text (default) | json: one JSON object per line (time, level, message,
                               and fields such as method, durationMs, connection) for journald and collectors
      --max-message-bytes N    largest accepted message (default 4194304)
      --max-batch N            most entries in one batch (default 100)
      --max-depth N            deepest nesting of arrays/objects (default 128)
      --max-connections N      most concurrent socket connections (default 1024)
      --incomplete-timeout S   seconds a started message may stay incomplete (default 30)
      --io-threads N           event-loop threads for socket connections (default 2)
      --validate-results       check every result against its Schemas/ result schema (tests use this);
                               a result that breaks it is logged and answered -32603
      --spec-examples          also serve the JSON-RPC 2.0 specification's example methods
                               (subtract, sum, get_data, update, notify_*) for conformance tests

    CALL
      Prints the result as JSON on stdout; on an error prints it on stderr and exits 1
      (2 when the server could not be reached). PARAMS-JSON is a JSON object; "-" reads it from stdin.

    EXAMPLES
      exportdesk serve --socket /tmp/exportdesk.sock &
      exportdesk call system.ping --socket /tmp/exportdesk.sock
      echo '{"jsonrpc":"2.0","id":1,"method":"system.info"}' | exportdesk serve --stdio
    """

/// The help of one subcommand: its USAGE lines and, where the usage has one, its own section.
enum Usage {
    static func help(for command: String) -> String {
        let lines = usage.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.contains(where: { $0.hasPrefix("  exportdesk \(command)") }) else { return usage }
        var out = ["USAGE"]
        var inCommand = false
        for line in lines.drop(while: { $0 != "USAGE" }).dropFirst() {
            if line.isEmpty { break }
            if line.hasPrefix("  exportdesk ") { inCommand = line.hasPrefix("  exportdesk \(command)") }
            if inCommand { out.append(line) }
        }
        let heading = command.uppercased()
        if let start = lines.firstIndex(of: heading) {
            out.append("")
            out.append(contentsOf: lines[start...].prefix { !$0.isEmpty })
        }
        return out.joined(separator: "\n")
    }
}
