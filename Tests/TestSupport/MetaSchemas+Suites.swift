import JSONSchema

extension MetaSchemas {
    /// Loads the 2020-12 meta-schemas from the shared test suites.
    public static func load(into registry: SchemaRegistry) throws {
        try load(from: TestSuites.path("json-schema-2020-12-metaschemas"), into: registry)
    }
}
