/// The ExportDesk release this binary is.
public enum ExportDeskVersion {
    public static let string = "0.1.0"
}
