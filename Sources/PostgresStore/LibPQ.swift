import Glibc

/// libpq, the official PostgreSQL client library, loaded at run time with dlopen: building ExportDesk needs
/// no PostgreSQL headers, and a user who never names a PostgreSQL database needs no libpq at all.
/// The symbols are the stable C API of libpq.so.5 (PostgreSQL 9.x and later).
struct LibPQ: @unchecked Sendable {
    typealias Conn = OpaquePointer
    typealias Result = OpaquePointer

    let connectdb: @convention(c) (UnsafePointer<CChar>) -> Conn?
    let status: @convention(c) (Conn) -> Int32
    let errorMessage: @convention(c) (Conn) -> UnsafePointer<CChar>?
    let finish: @convention(c) (Conn) -> Void
    let reset: @convention(c) (Conn) -> Void
    let exec: @convention(c) (Conn, UnsafePointer<CChar>) -> Result?
    let prepare:
        @convention(c) (Conn, UnsafePointer<CChar>, UnsafePointer<CChar>, Int32, UnsafePointer<UInt32>?) -> Result?
    let execPrepared:
        @convention(c) (
            Conn, UnsafePointer<CChar>, Int32, UnsafePointer<UnsafePointer<CChar>?>?,
            UnsafePointer<Int32>?, UnsafePointer<Int32>?, Int32
        ) -> Result?
    let resultStatus: @convention(c) (Result) -> Int32
    let resultErrorField: @convention(c) (Result, Int32) -> UnsafePointer<CChar>?
    let ntuples: @convention(c) (Result) -> Int32
    let getvalue: @convention(c) (Result, Int32, Int32) -> UnsafePointer<CChar>?
    let getisnull: @convention(c) (Result, Int32, Int32) -> Int32
    let getlength: @convention(c) (Result, Int32, Int32) -> Int32
    let ftype: @convention(c) (Result, Int32) -> UInt32
    let cmdTuples: @convention(c) (Result) -> UnsafePointer<CChar>?
    let clear: @convention(c) (Result) -> Void
    let transactionStatus: @convention(c) (Conn) -> Int32
    let serverVersion: @convention(c) (Conn) -> Int32
    let socket: @convention(c) (Conn) -> Int32
    let consumeInput: @convention(c) (Conn) -> Int32
    let notifies: @convention(c) (Conn) -> UnsafeMutableRawPointer?
    let freemem: @convention(c) (UnsafeMutableRawPointer) -> Void
    let setNoticeProcessor:
        @convention(c) (
            Conn, (@convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?) -> Void)?,
            UnsafeMutableRawPointer?
        ) -> UnsafeMutableRawPointer?

    // Values of libpq's enums (libpq-fe.h), stable since they were introduced.
    static let connectionOK: Int32 = 0
    static let commandOK: Int32 = 1
    static let tuplesOK: Int32 = 2
    static let transIdle: Int32 = 0
    static let transInError: Int32 = 3
    static let transUnknown: Int32 = 4
    static let diagSQLState = Int32(UInt8(ascii: "C"))
    static let diagMessage = Int32(UInt8(ascii: "M"))
    static let diagDetail = Int32(UInt8(ascii: "D"))

    /// The process's libpq, loaded on first use; the error names the Debian package that provides it.
    static let shared: Swift.Result<LibPQ, PostgresError> = load()

    private static func load() -> Swift.Result<LibPQ, PostgresError> {
        var handle: UnsafeMutableRawPointer?
        for name in ["libpq.so.5", "libpq.so"] {
            handle = dlopen(name, RTLD_NOW | RTLD_LOCAL)
            if handle != nil { break }
        }
        guard let handle else {
            return .failure(
                PostgresError(
                    sqlState: "08000",
                    message:
                        "PostgreSQL needs libpq, which is not installed: install the package libpq5 (apt-get install libpq5)"
                ))
        }
        var missing: [String] = []
        func symbol<T>(_ name: String, as type: T.Type) -> T {
            guard let pointer = dlsym(handle, name) else {
                missing.append(name)
                return unsafeBitCast(dlsym(handle, "PQlibVersion") ?? UnsafeMutableRawPointer(bitPattern: 1)!, to: type)
            }
            return unsafeBitCast(pointer, to: type)
        }
        let lib = LibPQ(
            connectdb: symbol("PQconnectdb", as: (@convention(c) (UnsafePointer<CChar>) -> Conn?).self),
            status: symbol("PQstatus", as: (@convention(c) (Conn) -> Int32).self),
            errorMessage: symbol("PQerrorMessage", as: (@convention(c) (Conn) -> UnsafePointer<CChar>?).self),
            finish: symbol("PQfinish", as: (@convention(c) (Conn) -> Void).self),
            reset: symbol("PQreset", as: (@convention(c) (Conn) -> Void).self),
            exec: symbol("PQexec", as: (@convention(c) (Conn, UnsafePointer<CChar>) -> Result?).self),
            prepare: symbol(
                "PQprepare",
                as: (@convention(c) (Conn, UnsafePointer<CChar>, UnsafePointer<CChar>, Int32, UnsafePointer<UInt32>?) ->
                    Result?).self),
            execPrepared: symbol(
                "PQexecPrepared",
                as: (@convention(c) (
                    Conn, UnsafePointer<CChar>, Int32, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?,
                    UnsafePointer<Int32>?, Int32
                ) -> Result?).self),
            resultStatus: symbol("PQresultStatus", as: (@convention(c) (Result) -> Int32).self),
            resultErrorField: symbol(
                "PQresultErrorField", as: (@convention(c) (Result, Int32) -> UnsafePointer<CChar>?).self),
            ntuples: symbol("PQntuples", as: (@convention(c) (Result) -> Int32).self),
            getvalue: symbol("PQgetvalue", as: (@convention(c) (Result, Int32, Int32) -> UnsafePointer<CChar>?).self),
            getisnull: symbol("PQgetisnull", as: (@convention(c) (Result, Int32, Int32) -> Int32).self),
            getlength: symbol("PQgetlength", as: (@convention(c) (Result, Int32, Int32) -> Int32).self),
            ftype: symbol("PQftype", as: (@convention(c) (Result, Int32) -> UInt32).self),
            cmdTuples: symbol("PQcmdTuples", as: (@convention(c) (Result) -> UnsafePointer<CChar>?).self),
            clear: symbol("PQclear", as: (@convention(c) (Result) -> Void).self),
            transactionStatus: symbol("PQtransactionStatus", as: (@convention(c) (Conn) -> Int32).self),
            serverVersion: symbol("PQserverVersion", as: (@convention(c) (Conn) -> Int32).self),
            socket: symbol("PQsocket", as: (@convention(c) (Conn) -> Int32).self),
            consumeInput: symbol("PQconsumeInput", as: (@convention(c) (Conn) -> Int32).self),
            notifies: symbol("PQnotifies", as: (@convention(c) (Conn) -> UnsafeMutableRawPointer?).self),
            freemem: symbol("PQfreemem", as: (@convention(c) (UnsafeMutableRawPointer) -> Void).self),
            setNoticeProcessor: symbol(
                "PQsetNoticeProcessor",
                as: (@convention(c) (
                    Conn, (@convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?) -> Void)?,
                    UnsafeMutableRawPointer?
                ) -> UnsafeMutableRawPointer?).self))
        guard missing.isEmpty else {
            return .failure(
                PostgresError(
                    sqlState: "08000",
                    message: "the libpq found lacks \(missing.joined(separator: ", ")); install a current libpq5"))
        }
        return .success(lib)
    }

    /// libpq, once a connection has loaded it (the rows of a result read through this).
    static var api: LibPQ {
        guard case .success(let lib) = shared else { fatalError("libpq used before a connection loaded it") }
        return lib
    }

    /// libpq itself, or the error that says why it cannot be had.
    static func get() throws(PostgresError) -> LibPQ {
        switch shared {
        case .success(let lib): return lib
        case .failure(let error): throw error
        }
    }
}
