import JSON

/// The members every stored record has (SPEC §4: id, version, status, timestamps), read and written in this
/// one place for the code that handles a record as JSON without knowing its type: RecordTable, the feed,
/// upserts. Rules read records through their generated types (`Records.*`) instead.
extension JSONObject {
    /// The record's id (also the `id` param of a method on one record); empty when absent.
    public var recordID: String {
        get { self["id"]?.stringValue ?? "" }
        set { self["id"] = .string(newValue) }
    }

    /// The record's version; 0 when absent.
    public var recordVersion: Int64 {
        get { self["version"]?.int64Value ?? 0 }
        set { self["version"] = .number(.int(newValue)) }
    }

    /// The record's lifecycle state; empty when the entity has none.
    public var recordStatus: String {
        get { self["status"]?.stringValue ?? "" }
        set { self["status"] = .string(newValue) }
    }

    /// Sets both timestamps of a new record.
    mutating func stampCreated(_ now: String) {
        self["createdAt"] = .string(now)
        stampUpdated(now)
    }

    mutating func stampUpdated(_ now: String) { self["updatedAt"] = .string(now) }

    /// The optional `expectedVersion` param of an update or a verb.
    public var expectedVersion: Int64? { self["expectedVersion"]?.int64Value }
}

extension JSONValue {
    /// The `id` of a record (or of a method's params) held as a value; empty when absent.
    public var recordID: String { objectValue?.recordID ?? "" }
}
