import Foundation
import Yams

/// Reads a YAML schema: a top-level `columns:` list of entries with `name` and `kind`.
///
/// ```yaml
/// name: adult
/// target: income
/// columns:
///   - {name: age, kind: integer, lower: 17, upper: 90, bins: 15, out_of_domain: clamp}
///   - {name: workclass, kind: categorical, categories: [Private, Self-emp-not-inc]}
///   - {name: fnlwgt, kind: real, lower: 0, upper: 1500000, edges: [0, 1e5, 2e5, 1.5e6]}
///   - {name: sex, kind: coded, levels: 2, missing: error}
///   - {name: id, kind: identifier}
/// ```
/// Errors name the file, line and column of the offending YAML node.
public enum SchemaLoader {
    /// Integer columns with at most this many values get one code per value by default.
    public static let defaultIntegerValueCodes = 100
    /// Default bin count for wider integer columns and for real columns.
    public static let defaultBinCount = 32

    public static func load(path: String) throws -> Schema {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(
                file: path, problem: "cannot read the schema file",
                hint: "Check the path and permissions (see Examples/schemas/ for examples).")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DataError(
                file: path, problem: "the schema is not valid UTF-8", hint: "Save the schema as UTF-8 text.")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String = "schema") throws -> Schema {
        let root = try YAMLMapping.compose(
            text, file: file, hint: "Fix the YAML syntax; a schema is a mapping with a 'columns:' list.")
        guard let root, case .mapping(let mapping) = root else {
            throw DataError(
                file: file, line: 1, problem: "the schema must be a YAML mapping with a 'columns:' list",
                hint: "Start the file with 'columns:' followed by '- name: ...' entries.")
        }
        let reader = NodeReader(file: file)
        try reader.onlyKeys(mapping, ["name", "target", "columns", SchemaWriter.reviewKey], context: "the schema")
        if let review = mapping[SchemaWriter.reviewKey] {
            if review.string == SchemaWriter.Review.names.text {
                throw reader.error(
                    review,
                    "the schema's column names were read from the data file's first line without noise "
                        + "('\(SchemaWriter.reviewKey)')",
                    "Check that the names are the header's, not a row's values, then delete the "
                        + "'\(SchemaWriter.reviewKey):' line.")
            }
            throw reader.error(
                review, "the schema was proposed from the private data without noise ('\(SchemaWriter.reviewKey)')",
                "Keep only categories and bounds that are public knowledge, then delete the "
                    + "'\(SchemaWriter.reviewKey):' line; or learn them with 'schema infer --dp'.")
        }
        guard let columnsNode = mapping["columns"] else {
            throw reader.error(
                root, "the schema has no 'columns:' list", "Add 'columns:' with one entry per CSV column.")
        }
        guard case .sequence(let sequence) = columnsNode, !sequence.isEmpty else {
            throw reader.error(
                columnsNode, "'columns' must be a non-empty list", "Give one '- name: ..., kind: ...' entry per column."
            )
        }
        guard sequence.count <= Schema.largestColumnCount else {
            throw reader.error(
                columnsNode,
                "the schema has \(sequence.count) columns; dpsynth reads at most \(Schema.largestColumnCount)",
                "Describe at most \(Schema.largestColumnCount) columns: split the table.")
        }
        var columns: [Column] = []
        var seen = Set<String>()
        for node in sequence {
            let column = try reader.column(node)
            if !seen.insert(column.name).inserted {
                throw reader.error(node, "duplicate column name '\(column.name)'", "Give every column a distinct name.")
            }
            columns.append(column)
        }
        let name = try mapping["name"].map { try reader.string($0, "name") } ?? "dataset"
        let target = try mapping["target"].map { try reader.string($0, "target") }
        if let target, !columns.contains(where: { $0.name == target && $0.kind != .identifier }) {
            throw reader.error(
                mapping["target"]!, "target '\(target)' is not an encoded column", "Name one of the columns above.")
        }
        guard columns.contains(where: { $0.kind != .identifier }) else {
            throw reader.error(
                columnsNode, "every column is an identifier", "Declare at least one column to synthesize.")
        }
        return Schema(name: name, columns: columns, target: target)
    }

}

/// Reads typed values out of YAML nodes, with errors that point at the node.
struct NodeReader {
    let file: String

    func error(_ node: Node, _ problem: String, _ hint: String) -> DataError {
        DataError(
            file: file, line: node.mark.map { $0.line }, column: node.mark.map { $0.column }, problem: problem,
            hint: hint)
    }

    func onlyKeys(_ mapping: Node.Mapping, _ allowed: [String], context: String) throws {
        for (key, _) in mapping {
            guard let name = key.string, allowed.contains(name) else {
                throw error(
                    key, "unknown key '\(key.string ?? "?")' in \(context)",
                    "Allowed keys: \(allowed.joined(separator: ", ")).")
            }
        }
    }

    func string(_ node: Node, _ key: String) throws -> String {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
            throw error(node, "'\(key)' must be a non-empty text value", "Write it as '\(key): value'.")
        }
        try refuseNUL(scalar.string, node, key)
        return scalar.string
    }

    /// A text holding a NUL character matches no value: no CSV field the reader accepts and no
    /// database text holds one, and a database statement's text ends at it.
    func refuseNUL(_ text: String, _ node: Node, _ key: String) throws {
        guard !text.utf8.contains(0) else {
            throw error(node, "'\(key)' holds a NUL character (\\0)", "Remove it: no value holds one.")
        }
    }

    func integer(_ node: Node, _ key: String) throws -> Int {
        guard case .scalar(let scalar) = node, let value = DecimalText.integer(scalar.string) else {
            throw error(node, "'\(key)' must be a whole number", "Write it as '\(key): 10'.")
        }
        return value
    }

    func number(_ node: Node, _ key: String) throws -> Double {
        guard case .scalar(let scalar) = node, let value = DecimalText.double(scalar.string), value.isFinite else {
            throw error(node, "'\(key)' must be a finite number", "Write it as '\(key): 1.5'.")
        }
        return value
    }

    func strings(_ node: Node, _ key: String) throws -> [String] {
        guard case .sequence(let sequence) = node else {
            throw error(node, "'\(key)' must be a list", "Write it as '\(key): [a, b, c]'.")
        }
        return try sequence.map { item in
            guard case .scalar(let scalar) = item else {
                throw error(item, "'\(key)' entries must be text", "Quote each entry.")
            }
            try refuseNUL(scalar.string, item, key)
            return scalar.string
        }
    }

    func column(_ node: Node) throws -> Column {
        guard case .mapping(let mapping) = node else {
            throw error(
                node, "each column must be a mapping with 'name' and 'kind'", "Write '- name: age\n    kind: integer'.")
        }
        try onlyKeys(
            mapping,
            [
                "name", "kind", "categories", "lower", "upper", "bins", "edges", "levels",
                "missing", "missing_values", "out_of_domain",
            ], context: "a column")
        guard let nameNode = mapping["name"] else { throw error(node, "a column has no 'name'", "Add 'name: ...'.") }
        let name = try string(nameNode, "name")
        guard let kindNode = mapping["kind"] else {
            throw error(
                node, "column '\(name)' has no 'kind'", "Add 'kind:' categorical, integer, real, coded or identifier.")
        }
        let kind: Column.Kind
        switch try string(kindNode, "kind") {
        case "categorical":
            guard let node = mapping["categories"] else {
                throw error(
                    kindNode, "categorical column '\(name)' has no 'categories'",
                    "List the public categories: 'categories: [a, b]'.")
            }
            let categories = try strings(node, "categories")
            guard !categories.isEmpty else {
                throw error(node, "column '\(name)' declares no categories", "List at least one category.")
            }
            guard Set(categories).count == categories.count else {
                throw error(node, "column '\(name)' lists a category twice", "List each category once.")
            }
            kind = .categorical(categories)
        case "integer":
            let (lower, upper) = try bounds(mapping, node, name, whole: true)
            // Read exactly when written as whole numbers: a double holds 2^53 + 1 as 2^53.
            func exact(_ key: String) -> Int? {
                if case .scalar(let scalar)? = mapping[key] { return DecimalText.integer(scalar.string) }
                return nil
            }
            guard let low = exact("lower") ?? Int(exactly: lower), let high = exact("upper") ?? Int(exactly: upper)
            else {
                throw error(
                    node, "integer column '\(name)' needs whole-number bounds", "Write 'lower: 0' and 'upper: 100'.")
            }
            // Codes are drawn uniformly within a bin by a 64-bit draw, so the range must fit.
            let (span, overflow) = high.subtractingReportingOverflow(low)
            guard !overflow, span < Int.max else {
                throw error(
                    node, "integer column '\(name)' has bounds further apart than a 64-bit integer holds",
                    "Narrow the bounds, or declare the column as real.")
            }
            let width = span + 1
            let binning = try self.binning(
                mapping, name, lower: lower, upper: upper,
                defaultCount: width <= SchemaLoader.defaultIntegerValueCodes ? width : SchemaLoader.defaultBinCount,
                maxCount: width)
            kind = .integer(lower: low, upper: high, binning: binning)
        case "real":
            let (lower, upper) = try bounds(mapping, node, name)
            kind = .real(
                lower: lower, upper: upper,
                binning: try binning(
                    mapping, name, lower: lower, upper: upper, defaultCount: SchemaLoader.defaultBinCount,
                    maxCount: 65_535))
        case "coded":
            guard let node = mapping["levels"] else {
                throw error(kindNode, "coded column '\(name)' has no 'levels'", "Add 'levels: N' (values are 0..N-1).")
            }
            let levels = try integer(node, "levels")
            guard levels >= 1 && levels <= 65_535 else {
                throw error(node, "'levels' must lie in 1...65535", "Give the number of codes.")
            }
            kind = .coded(levels: levels)
        case "identifier":
            kind = .identifier
        case let other:
            throw error(
                kindNode, "unknown kind '\(other)' for column '\(name)'",
                "Use categorical, integer, real, coded or identifier.")
        }
        var column = Column(name: name, kind: kind)
        if let node = mapping["missing"] {
            guard let policy = Column.MissingPolicy(rawValue: try string(node, "missing")) else {
                throw error(node, "'missing' must be own-category or error", "Write 'missing: own-category'.")
            }
            column.missing = policy
        }
        if let node = mapping["missing_values"] { column.missingTokens = try strings(node, "missing_values") }
        if let node = mapping["out_of_domain"] {
            guard let policy = Column.OutOfDomainPolicy(rawValue: try string(node, "out_of_domain")) else {
                throw error(node, "'out_of_domain' must be error, clamp or missing", "Write 'out_of_domain: clamp'.")
            }
            if policy == .missing && column.missing != .ownCategory {
                throw error(
                    node, "'out_of_domain: missing' needs 'missing: own-category'",
                    "Remove 'missing: error' from the column, or choose another policy.")
            }
            column.outOfDomain = policy
        }
        if case .categorical(let categories) = kind,
            let clash = categories.first(where: { column.missingTokens.contains($0) })
        {
            throw error(
                node, "category '\(clash)' of column '\(name)' is also a missing-value token",
                "Set 'missing_values:' to tokens that are not categories.")
        }
        guard column.domainSize <= Column.largestCodeCount else {
            throw error(node, "column '\(name)' has more than 65,536 codes", "Use fewer categories or bins.")
        }
        return column
    }

    /// The bounds as doubles; `whole` bounds written as integers are ordered exactly (two integers
    /// near 2^63 that one double holds are still distinct bounds).
    func bounds(_ mapping: Node.Mapping, _ node: Node, _ name: String, whole: Bool = false) throws -> (Double, Double) {
        guard let lowerNode = mapping["lower"], let upperNode = mapping["upper"] else {
            throw error(
                node, "numeric column '\(name)' needs public 'lower' and 'upper' bounds",
                "Declare bounds from public knowledge, or run 'dpsynth schema infer --dp' to "
                    + "learn them with a charged DP step."
            )
        }
        let lower = try number(lowerNode, "lower")
        let upper = try number(upperNode, "upper")
        var ordered = lower < upper
        if whole {
            // Bounds that are not 64-bit whole numbers are named by the caller, as such.
            guard case .scalar(let low) = lowerNode, case .scalar(let high) = upperNode,
                let a = DecimalText.integer(low.string), let b = DecimalText.integer(high.string)
            else { return (lower, upper) }
            ordered = a < b
        }
        guard ordered else {
            throw error(upperNode, "'upper' must exceed 'lower' for column '\(name)'", "Fix the bounds.")
        }
        guard (upper - lower).isFinite else {
            throw error(
                upperNode, "the bounds of column '\(name)' are too far apart to compute with",
                "Keep upper - lower below 1.7e308.")
        }
        return (lower, upper)
    }

    func binning(
        _ mapping: Node.Mapping, _ name: String, lower: Double, upper: Double, defaultCount: Int, maxCount: Int
    ) throws -> Column.Binning {
        if let node = mapping["edges"] {
            guard mapping["bins"] == nil else {
                throw error(node, "give either 'bins' or 'edges', not both", "Remove one.")
            }
            guard case .sequence(let sequence) = node else {
                throw error(node, "'edges' must be a list of numbers", "Write 'edges: [0, 10, 20]'.")
            }
            let edges = try sequence.map { try number($0, "edges") }
            guard edges.count >= 2, zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw error(node, "'edges' must be at least two increasing numbers", "Write 'edges: [0, 10, 20]'.")
            }
            guard edges.first! <= lower, edges.last! >= upper else {
                throw error(
                    node, "'edges' must cover [lower, upper] of column '\(name)'",
                    "Start at or below 'lower' and end at or above 'upper'.")
            }
            return .edges(edges)
        }
        if let node = mapping["bins"] {
            let count = try integer(node, "bins")
            // Within the codes a column takes, before its code count (bins plus a missing code) is added up.
            guard count >= 1 && count <= min(maxCount, Column.largestCodeCount) else {
                throw error(
                    node, "'bins' must lie in 1...\(min(maxCount, Column.largestCodeCount)) for column '\(name)'",
                    "Choose fewer bins.")
            }
            return .equalWidth(count: count)
        }
        return .equalWidth(count: defaultCount)
    }
}
