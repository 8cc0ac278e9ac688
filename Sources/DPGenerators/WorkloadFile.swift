import DPAccounting
import DPData
import Foundation

/// An AIM workload written as text: one attribute set per non-empty line, column names separated
/// by commas (e.g. `age,sex,income`).
public enum WorkloadFile {
    /// Runs `body`, naming `file` in a workload error it throws (`GeneratorError.workload`): the
    /// workload file when one was given, else the schema whose columns make the default sets.
    public static func naming(_ file: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch GeneratorError.workload(let message) {
            throw GeneratorError.workload("\(OneLine.escaped(file)): \(message)")
        }
    }

    /// The sets as sorted encoded-column indices, each once (a set listed twice is one set of
    /// the workload, as in private-pgm, not twice its weight); errors name the file and line.
    public static func read(_ path: String, columns: [String]) throws -> [[Int]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DataError(
                file: path, problem: "cannot read the workload file",
                hint: "Give one attribute set per line, e.g. 'age,sex,income'.")
        }
        var sets: [[Int]] = []
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let names = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
            if names.isEmpty { continue }
            let indices = try names.enumerated().map { position, name -> Int in
                guard let index = columns.firstIndex(of: name) else {
                    // The name is not repeated: a data file given as the workload would show a cell.
                    throw DataError(
                        file: path, line: number + 1,
                        problem: "name \(position + 1) of the line is not an encoded column of the schema",
                        hint: "Use one of: \(columns.joined(separator: ", ")).")
                }
                return index
            }
            guard Set(indices).count == indices.count else {
                throw DataError(
                    file: path, line: number + 1, problem: "a column appears twice in one set",
                    hint: "List each column once per line.")
            }
            let set = indices.sorted()
            if !sets.contains(set) { sets.append(set) }
        }
        guard !sets.isEmpty else {
            throw DataError(
                file: path, problem: "the workload file lists no attribute sets",
                hint: "Give one attribute set per line, e.g. 'age,sex,income'.")
        }
        return sets
    }
}
