/// A word as a POSIX shell reads it back unchanged, for the commands a message tells the user to
/// run: a path with a space or a dataset named with a quote stays one word when pasted.
public enum ShellWord {
    /// `word` itself when the shell reads it as it is, otherwise in single quotes (each single
    /// quote in it written `'\''`).
    public static func quoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { safe.contains($0) }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    private static let safe = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@%+,-".unicodeScalars)
}
