import Foundation
import PackagePlugin

/// Embeds the package's Schemas/ folder into the target it is applied to, with the record types generated
/// from its components (see SchemaEmbedder).
@main
struct EmbedSchemasPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let schemas = context.package.directoryURL.appendingPathComponent("Schemas")
        var inputs: [URL] = []
        if let walker = FileManager.default.enumerator(at: schemas, includingPropertiesForKeys: nil) {
            for case let url as URL in walker where url.pathExtension == "json" { inputs.append(url) }
        }
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedSchemas+Files.swift")
        let records = context.pluginWorkDirectoryURL.appendingPathComponent("Records+Generated.swift")
        return [
            .buildCommand(
                displayName: "Embedding Schemas/ (\(inputs.count) files) and generating record types",
                executable: try context.tool(named: "SchemaEmbedder").url,
                arguments: [schemas.path, output.path, records.path],
                inputFiles: inputs + [schemas],
                outputFiles: [output, records])
        ]
    }
}
