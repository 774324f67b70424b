// swift-tools-version:6.0
// ExportDesk: a JSON-RPC 2.0 system of record for export-support and internship programmes.
// No package dependencies: only the toolchain (Foundation, Dispatch, Glibc, Synchronization, Testing).
import PackageDescription

let package = Package(
    name: "ExportDesk",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "exportdesk", targets: ["exportdesk"]),
        .executable(name: "exportdesk-bench", targets: ["exportdesk-bench"]),
        .library(name: "ExportDeskClient", targets: ["ExportDeskClient"]),
    ],
    targets: [
        .target(name: "JSON"),
        .target(name: "JSONSchema", dependencies: ["JSON"]),
        .target(name: "JSONRPC", dependencies: ["JSON"]),
        .target(name: "CShims"),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "SQLiteStore", dependencies: ["CSQLite", "JSONRPC"]),
        .target(name: "RPCTransport", dependencies: ["JSON", "JSONRPC", "CShims"]),
        .target(name: "ExportDeskCore", dependencies: ["JSON", "JSONRPC", "SQLiteStore"]),
        .executableTarget(name: "SchemaEmbedder"),
        .plugin(name: "EmbedSchemasPlugin", capability: .buildTool(), dependencies: ["SchemaEmbedder"], path: "Sources/EmbedSchemasPlugin"),
        .target(name: "ExportDeskSchemas", plugins: ["EmbedSchemasPlugin"]),
        .target(name: "ExportDeskServer", dependencies: ["JSON", "JSONRPC", "JSONSchema", "RPCTransport", "ExportDeskSchemas", "ExportDeskCore", "SQLiteStore"]),
        .target(name: "ExportDeskReports", dependencies: ["JSON"]),
        .target(name: "ExportDeskMCP", dependencies: ["JSON", "JSONRPC", "RPCTransport", "ExportDeskServer", "ExportDeskCore"]),
        .target(name: "ExportDeskClient", dependencies: ["JSON", "JSONRPC", "RPCTransport"]),
        .executableTarget(name: "exportdesk", dependencies: ["ExportDeskServer", "ExportDeskClient", "SQLiteStore", "ExportDeskCore", "RPCTransport", "ExportDeskMCP", "ExportDeskReports"]),
        .executableTarget(name: "exportdesk-bench", dependencies: ["ExportDeskClient", "JSON", "JSONRPC", "JSONSchema", "RPCTransport", "CShims"]),
        .target(name: "TestSupport", dependencies: ["ExportDeskClient", "JSON", "JSONSchema"], path: "Tests/TestSupport"),
        .testTarget(name: "JSONTests", dependencies: ["JSON", "TestSupport"]),
        .testTarget(name: "SQLiteStoreTests", dependencies: ["SQLiteStore", "TestSupport"]),
        .testTarget(name: "ExportDeskCoreTests", dependencies: ["ExportDeskCore", "SQLiteStore", "JSON", "JSONRPC", "TestSupport"]),
        .testTarget(name: "JSONSchemaTests", dependencies: ["JSONSchema", "JSON", "TestSupport"]),
        .testTarget(name: "ExportDeskMCPTests", dependencies: ["ExportDeskMCP", "ExportDeskServer", "JSON"]),
        .testTarget(name: "RPCTransportTests", dependencies: ["RPCTransport", "JSONRPC", "JSON", "TestSupport"]),
        .testTarget(name: "JSONRPCTests", dependencies: ["JSONRPC", "JSON", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["ExportDeskClient", "JSON", "JSONRPC", "SQLiteStore", "TestSupport", "exportdesk"]),
        .testTarget(name: "ExportDeskServerTests", dependencies: ["ExportDeskServer", "ExportDeskSchemas", "ExportDeskCore", "JSONSchema", "JSON", "JSONRPC", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
