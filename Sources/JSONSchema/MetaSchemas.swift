import Foundation
import JSON

/// The draft 2020-12 meta-schemas, needed to validate schemas themselves (and by `$ref`s in many schemas).
public enum MetaSchemas {
    /// Loads the meta-schemas from a directory laid out like json-schema-spec's 2020-12 branch
    /// (`schema.json`, `meta/*.json`) into `registry`, under their `$id`s.
    public static func load(from directory: String, into registry: SchemaRegistry) throws {
        let files =
            ["schema.json"]
            + [
                "core", "applicator", "unevaluated", "validation", "meta-data", "format-annotation",
                "format-assertion", "content",
            ].map { "meta/\($0).json" }
        for file in files {
            let doc = try JSONParser.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))))
            registry.add(doc, uri: doc["$id"]?.stringValue ?? file)
        }
    }
}
