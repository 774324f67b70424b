import Storage

/// The word index of simple entities (`text_key`): lower-cased words, each preceded by a space, so that
/// `LIKE '% term%'` matches whole words and word prefixes and folds Cyrillic case as well as Latin.
public enum TextIndex {
    /// The `text_key` of a record from its searchable texts.
    public static func words(_ texts: [String?]) -> String {
        let text = texts.compactMap { $0 }.joined(separator: " ").lowercased()
        return " " + text.split { !($0.isLetter || $0.isNumber) }.joined(separator: " ") + " "
    }

}

/// Text folded for search as SQLite's FTS5 `unicode61 remove_diacritics 2` folds it: case (Cyrillic as
/// Latin) and diacritics (ё as е, й as и); PostgreSQL's index and queries are built from it.
public enum TextFold {
    public static func fold(_ s: String) -> String {
        s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }
}
