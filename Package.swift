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
        .target(name: "Support", dependencies: ["JSON"]),
        .target(name: "JSONRPC", dependencies: ["JSON", "Support"]),
        .target(name: "CShims"),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "Storage", dependencies: ["Support"]),
        .target(name: "SQLiteStore", dependencies: ["CSQLite", "Storage", "Support"]),
        .target(name: "PostgresStore", dependencies: ["Storage", "Support"]),
        .target(name: "RPCTransport", dependencies: ["JSON", "JSONRPC", "CShims", "Support"]),
        .target(
            name: "ExportDeskCore",
            dependencies: [
                "JSON", "ExportDeskSchemas", "Storage", "SQLiteStore", "PostgresStore", "Support",
            ]),
        .executableTarget(name: "SchemaEmbedder", dependencies: ["JSON"]),
        .plugin(
            name: "EmbedSchemasPlugin", capability: .buildTool(), dependencies: ["SchemaEmbedder"],
            path: "Sources/EmbedSchemasPlugin"),
        .target(name: "ExportDeskSchemas", dependencies: ["JSON"], plugins: ["EmbedSchemasPlugin"]),
        .target(
            name: "ExportDeskServer",
            dependencies: [
                "JSON", "JSONRPC", "JSONSchema", "RPCTransport", "ExportDeskSchemas", "ExportDeskCore", "Storage",
                "Support",
            ]),
        .target(name: "ExportDeskReports", dependencies: ["JSON"]),
        .target(
            name: "ExportDeskMCP",
            dependencies: ["JSON", "JSONRPC", "RPCTransport", "ExportDeskServer", "ExportDeskCore", "Support"]),
        .target(name: "ExportDeskClient", dependencies: ["JSON", "JSONRPC", "RPCTransport", "Support"]),
        .executableTarget(
            name: "exportdesk",
            dependencies: [
                "ExportDeskServer", "ExportDeskClient", "Storage", "SQLiteStore", "ExportDeskCore", "RPCTransport",
                "ExportDeskMCP", "ExportDeskReports", "ExportDeskSchemas", "Support",
            ]),
        .executableTarget(
            name: "exportdesk-bench",
            dependencies: [
                "ExportDeskClient", "ExportDeskServer", "JSON", "JSONRPC", "JSONSchema", "RPCTransport", "CShims",
                "Support",
            ]),
        .target(
            name: "TestSupport",
            dependencies: [
                "ExportDeskClient", "ExportDeskServer", "JSON", "JSONRPC", "JSONSchema", "PostgresStore",
                "RPCTransport", "Support",
            ], path: "Tests/TestSupport"),
        .testTarget(name: "JSONTests", dependencies: ["JSON", "TestSupport", "Support"]),
        .testTarget(
            name: "SQLiteStoreTests",
            dependencies: ["SQLiteStore", "Storage", "PostgresStore", "TestSupport", "Support"]),
        .testTarget(
            name: "ExportDeskCoreTests",
            dependencies: [
                "ExportDeskCore", "ExportDeskSchemas", "Storage", "SQLiteStore", "JSON", "JSONRPC", "TestSupport",
                "Support",
            ]),
        .testTarget(name: "JSONSchemaTests", dependencies: ["JSONSchema", "JSON", "TestSupport", "Support"]),
        .testTarget(
            name: "ExportDeskMCPTests", dependencies: ["ExportDeskMCP", "ExportDeskServer", "JSON", "Support"]),
        .testTarget(
            name: "RPCTransportTests", dependencies: ["RPCTransport", "JSONRPC", "JSON", "TestSupport", "Support"]),
        .testTarget(name: "JSONRPCTests", dependencies: ["JSONRPC", "JSON", "TestSupport", "Support"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "ExportDeskClient", "JSON", "JSONRPC", "Storage", "SQLiteStore", "PostgresStore", "ExportDeskCore",
                "TestSupport", "exportdesk", "Support",
            ]),
        .testTarget(
            name: "ExportDeskServerTests",
            dependencies: [
                "ExportDeskServer", "ExportDeskSchemas", "ExportDeskCore", "JSONSchema", "JSON", "JSONRPC",
                "TestSupport", "Support",
            ]),
    ],
    swiftLanguageModes: [.v6]
)
