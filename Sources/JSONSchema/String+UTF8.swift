extension String {
    /// Runs `body` over the string's UTF-8 read in place (a small string's copied to the stack): copying the
    /// string for `withUTF8`, as a non-mutating caller must, would retain it. Every per-value string check of
    /// the validator (property names, patterns, formats) reads its bytes through here.
    @inline(__always) func withUTF8InPlace<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return copy.withUTF8(body)
    }
}
