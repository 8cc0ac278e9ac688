import DPData
import Testing

/// An error is one line that drives no terminal, whatever the names it quotes hold.
@Suite struct DataErrorTests {
    /// A header, a path or a model's method may hold a line break or a terminal's escape: every
    /// control character is written as an escape (a helper's pass: an escape reached the terminal).
    @Test func controlCharactersInNamesAreEscaped() {
        let error = DataError(
            file: "data\u{1B}[31m.csv", columnName: "a\nb\u{9B}", problem: "a problem", hint: "Do this.")
        let text = error.description
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, "\(text)")
        #expect(text.contains("\\u{1b}[31m") && text.contains("a\\nb\\u{9b}"), "\(text)")
    }
}
