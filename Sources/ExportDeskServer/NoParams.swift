/// Params of a method that takes none.
public struct NoParams: Codable, Sendable {
    public init() {}
}
