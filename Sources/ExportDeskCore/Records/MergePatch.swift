import JSON

/// RFC 7386 JSON Merge Patch: objects merge member by member, `null` removes, anything else replaces.
public enum MergePatch {
    public static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let p) = patch else { return patch }
        var result = target.objectValue ?? JSONObject()
        for (key, value) in p {
            if value.isNull {
                result[key] = nil
            } else {
                result[key] = apply(value, to: result[key] ?? .null)
            }
        }
        return .object(result)
    }
}
