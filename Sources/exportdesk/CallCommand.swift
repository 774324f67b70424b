import ExportDeskClient
import ExportDeskServer
import Foundation
import JSON
import JSONRPC

enum CallCommand {
    static func run(_ args: ArraySlice<String>) throws -> Int32 {
        let a = try Arguments(args, valued: ServerConnection.options.union(["timeout"]), flags: [])
        guard let method = a.positionals.first else { throw Arguments.UsageError(description: "call needs a METHOD") }
        guard a.positionals.count <= 2 else {
            throw Arguments.UsageError(description: "call takes METHOD and at most one PARAMS-JSON")
        }
        var params: JSONValue?
        if a.positionals.count == 2 {
            var text = a.positionals[1]
            if text == "-" { text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) }
            do {
                params = try JSONParser.parse(text)
            } catch {
                throw Arguments.UsageError(description: "PARAMS-JSON is not valid JSON: \(error)")
            }
        }
        let timeout = try a.double("timeout", range: 0.001...86_400) ?? 60
        let connection: RPCConnection
        do { connection = try ServerConnection.open(a) } catch let failed as ServerConnection.Failed {
            return failed.status
        }
        do {
            let result = try connection.call(method, params, timeout: timeout)
            print(result.serializedString(pretty: true))
            return 0
        } catch let error as RPCError {
            printError(error.json.serializedString(pretty: true))
            return 1
        } catch {
            printError("exportdesk: \(error)")
            return 2
        }
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write((text + "\n").data(using: .utf8)!)
}
