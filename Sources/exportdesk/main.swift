import ExportDeskServer
import Foundation

// The CLI: argument parsing and dispatch to the server or the client, nothing else.
let arguments = CommandLine.arguments.dropFirst()
let status: Int32
do {
    switch arguments.first {
    case "serve": status = try ServeCommand.run(arguments.dropFirst())
    case "call": status = try CallCommand.run(arguments.dropFirst())
    case "backup": status = try BackupCommand.run(arguments.dropFirst())
    case "migrate-db": status = try MigrateDBCommand.runBlocking(arguments.dropFirst())
    case "token": status = try TokenCommand.run(arguments.dropFirst())
    case "import": status = try ImportCommand.run(arguments.dropFirst())
    case "demo": status = try DemoCommand.run(arguments.dropFirst())
    case "service": status = try ServiceCommand.run(arguments.dropFirst())
    case "mcp": status = try MCPCommand.run(arguments.dropFirst())
    case "export": status = try ExportCommand.run(arguments.dropFirst())
    case "report": status = try ReportCommand.run(arguments.dropFirst())
    case "--version", "version":
        print("exportdesk \(ExportDeskVersion.string)")
        status = 0
    case "--help", "-h", "help":
        print(usage)
        status = 0
    case nil:
        printError(usage)
        status = 64
    case let other?: throw Arguments.UsageError(description: "unknown command \(other)")
    }
} catch is Arguments.HelpRequested {
    print(Usage.help(for: arguments.first ?? ""))
    status = 0
} catch let error as Arguments.UsageError {
    let command = arguments.first.map { " \($0)" } ?? ""
    printError("exportdesk: \(error.description)\nRun 'exportdesk\(command) --help' for usage.")
    status = 64
}
exit(status)
