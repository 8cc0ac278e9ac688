import Foundation
import Yams

/// A YAML mapping read from a config file, the one reader behind every config (release, policy,
/// generator, schema): unknown keys are refused, and every error names file, line and column
/// and says what to write instead, without echoing a value.
public struct YAMLMapping {
    public let file: String
    /// The mapping's own node, for errors about it as a whole.
    public let node: Node
    /// The values by key, in the file's order of keys.
    public let values: [String: Node]
    let example: String

    /// The mapping at the top of `text`, whose keys must be among `allowed`. An empty document
    /// is an empty mapping; `example` ends the hints ("see Examples/release.yaml").
    public static func parse(_ text: String, file: String, allowed: [String], example: String) throws -> YAMLMapping {
        let root = try compose(text, file: file, hint: "Write 'key: value' lines (\(example)).")
        return try YAMLMapping(root ?? Node.mapping(Node.Mapping([])), file: file, allowed: allowed, example: example)
    }

    /// The YAML document in `text` (nil when empty), or an error naming the line and column where
    /// the YAML breaks and echoing none of it; `hint` says what to write.
    public static func compose(_ text: String, file: String, hint: String) throws -> Node? {
        if let place = YAMLAliases.first(in: text) {
            throw DataError(
                file: file, line: place.line, column: place.column,
                problem: "a YAML anchor or alias (&name, *name), which dpsynth does not read",
                hint: "Write each value out in full.")
        }
        do {
            return try Yams.compose(yaml: text)
        } catch {
            let mark = (error as? YamlError).flatMap(Self.mark(of:))
            let duplicated: Bool
            if case .duplicatedKeysInMapping = error as? YamlError { duplicated = true } else { duplicated = false }
            throw DataError(
                file: file, line: mark?.line, column: mark?.column,
                problem: duplicated ? "invalid YAML: a mapping holds the same key twice" : "invalid YAML", hint: hint)
        }
    }

    /// Reads and parses the file at `path`; `what` names it in the error when it cannot be read.
    public static func load(path: String, what: String, allowed: [String], example: String) throws -> YAMLMapping {
        guard let bytes = FileManager.default.contents(atPath: path), let text = String(data: bytes, encoding: .utf8)
        else {
            throw DataError(file: path, problem: "cannot read the \(what)", hint: "Check the path (\(example)).")
        }
        return try parse(text, file: path, allowed: allowed, example: example)
    }

    /// `node` as a mapping whose keys must be among `allowed`.
    public init(_ node: Node, file: String, allowed: [String], example: String, name: String? = nil) throws {
        self.file = file
        self.node = node
        self.example = example
        guard case .mapping(let mapping) = node else {
            throw DataError(
                file: file, line: node.mark?.line, column: node.mark?.column,
                problem: name.map { "'\($0)' must be a mapping" } ?? "the file must be a mapping of keys to values",
                hint: "Write 'key: value' lines (\(example)).")
        }
        var values: [String: Node] = [:]
        for (key, value) in mapping {
            guard let text = key.string, allowed.contains(text) else {
                throw DataError(
                    file: file, line: key.mark?.line, column: key.mark?.column,
                    problem: "unknown key '\(key.string ?? "?")'\(name.map { " in '\($0)'" } ?? "")",
                    hint: "Allowed keys: \(allowed.joined(separator: ", ")).")
            }
            values[text] = value
        }
        self.values = values
    }

    public subscript(key: String) -> Node? { values[key] }

    /// An error located at `node` (or at the mapping when nil).
    public func error(at node: Node?, _ problem: String, hint: String) -> DataError {
        let place = node ?? self.node
        return DataError(file: file, line: place.mark?.line, column: place.mark?.column, problem: problem, hint: hint)
    }

    /// The value of a key the file must have.
    public func required(_ key: String) throws -> Node {
        guard let node = values[key] else {
            throw error(at: nil, "'\(key)' is missing", hint: "Add '\(key): ...' (\(example)).")
        }
        return node
    }

    /// A finite number: positive by default, or within `range` when one is given; `example` is a
    /// value the key accepts, for the hint.
    public func number(_ key: String, in range: ClosedRange<Double>? = nil, example: String = "1") throws -> Double? {
        guard let node = values[key] else { return nil }
        guard let value = Self.decimal(node), value.isFinite, range.map({ $0.contains(value) }) ?? (value > 0)
        else {
            let expectation = range.map { "a number from \($0.lowerBound) to \($0.upperBound)" } ?? "a positive number"
            throw error(at: node, "'\(key)' must be \(expectation)", hint: "For example '\(key): \(example)'.")
        }
        return value
    }

    /// The number a scalar writes in decimal notation (`DecimalText`), not YAML 1.1's other forms.
    public static func decimal(_ node: Node) -> Double? {
        guard case .scalar(let scalar) = node else { return nil }
        return DecimalText.double(scalar.string)
    }

    /// The whole number a scalar writes in decimal notation (`DecimalText`), read exactly.
    public static func wholeNumber(_ node: Node) -> Int? {
        guard case .scalar(let scalar) = node else { return nil }
        return DecimalText.integer(scalar.string)
    }

    /// A whole number from 1 to `limit` (10^12 unless given).
    public func count(_ key: String, limit: Int = 1_000_000_000_000) throws -> Int? {
        guard let node = values[key] else { return nil }
        guard let value = Self.decimal(node), value.isFinite, value >= 1, value <= Double(limit),
            let whole = Int(exactly: value)
        else {
            throw error(
                at: node, "'\(key)' must be a whole number from 1 to \(limit)", hint: "For example '\(key): 100'.")
        }
        return whole
    }

    /// A text value; an empty one, or YAML's null (`key:`, `key: ~`, `key: null`), is refused: a
    /// path written so would name the folder itself or a file called `~`.
    public func string(_ key: String) throws -> String? {
        guard let node = values[key] else { return nil }
        guard case .scalar(let scalar) = node else {
            throw error(at: node, "'\(key)' must be a single value", hint: "For example '\(key): name'.")
        }
        let isNull = scalar.style == .plain && ["~", "null", "Null", "NULL"].contains(scalar.string)
        guard !scalar.string.isEmpty, !isNull else {
            throw error(at: node, "'\(key)' is empty", hint: "Give it a value, or remove the key.")
        }
        return scalar.string
    }

    /// A list of names (empty when the key is absent).
    public func names(_ key: String) throws -> [String] {
        guard let node = values[key] else { return [] }
        guard case .sequence(let sequence) = node, sequence.allSatisfy({ $0.string != nil }) else {
            throw error(at: node, "'\(key)' must be a list of names", hint: "For example '\(key): [age, sex]'.")
        }
        return sequence.map { $0.string ?? "" }
    }

    /// A nested mapping whose keys must be among `allowed`.
    public func mapping(_ key: String, allowed: [String]) throws -> YAMLMapping? {
        guard let node = values[key] else { return nil }
        return try YAMLMapping(node, file: file, allowed: allowed, example: example, name: key)
    }

    static func mark(of error: YamlError) -> Mark? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark
        case .duplicatedKeysInMapping(_, let context):
            return context.mark
        default:
            return nil
        }
    }
}
