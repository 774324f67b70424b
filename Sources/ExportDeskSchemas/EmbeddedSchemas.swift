/// The method contract of Schemas/, compiled into the binary by the EmbedSchemasPlugin build step.
public enum EmbeddedSchemas {
    /// The base URI under which every file's `$id` lives: `<base><relative path>`.
    public static let baseURI = "https://exportdesk.invalid/schemas/"
}
