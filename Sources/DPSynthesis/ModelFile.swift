import DPData
import Foundation

/// The one model file format: `{"format": 2, "kind": METHOD, "model": {...}}`, where the
/// generator named by `kind` owns `model`. Files of format 1 (the method's model description at
/// the top level, with its `method` as the kind) are still read.
public enum ModelFile {
    public static let format = 2

    private struct Envelope<Model: Codable>: Codable {
        let format: Int
        let kind: String
        let model: Model
    }

    private struct Header: Decodable {
        let format: Int?
        let kind: String?
        let method: String?
    }

    /// The bytes of a model file holding `model` under `kind`.
    public static func encode(kind: String, model: some Codable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(Envelope(format: format, kind: kind, model: model))
    }

    /// The kind (method) a model file names, or a one-line error when it is not a model file.
    public static func kind(of data: Data, path: String) throws -> String {
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: data) } catch let error as DecodingError {
            throw notAModel(path, because: describe(error, in: data))
        }
        guard let kind = header.format == nil ? header.method : header.kind else { throw notAModel(path) }
        guard header.format == nil || header.format == format else {
            throw DataError(
                file: path, problem: "model format \(header.format!) is not supported (this build reads \(format))",
                hint: "Refit the model with this version of dpsynth.")
        }
        return kind
    }

    /// The method-specific model description in a model file.
    public static func decode<Model: Codable>(_ type: Model.Type, from data: Data, path: String) throws -> Model {
        let decoder = JSONDecoder()
        do {
            if (try? decoder.decode(Header.self, from: data))?.format == nil {
                return try decoder.decode(Model.self, from: data)
            }
            return try decoder.decode(Envelope<Model>.self, from: data).model
        } catch let error as DecodingError {
            throw notAModel(path, because: Self.describe(error, in: data))
        } catch {
            throw notAModel(path)
        }
    }

    /// Where in the file a decoding error found what, in one line, naming types and keys only:
    /// `--model` may be given any file, a private table's included, so none of its text is quoted.
    /// The decoder reports a number that does not fit its place (too large, or not whole where a
    /// whole number belongs) as invalid JSON at the top, so such an error is told apart by
    /// parsing `data` once more.
    static func describe(_ error: DecodingError, in data: Data) -> String {
        func place(_ context: DecodingError.Context, _ last: CodingKey? = nil) -> String {
            let path = (context.codingPath + (last.map { [$0] } ?? [])).map {
                $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)"
            }.joined()
            return path.isEmpty ? "at the top" : "at " + path.drop { $0 == "." }
        }
        // JSON's words for what was expected, not the decoder's Swift types.
        func kind(_ type: Any.Type) -> String {
            let name = "\(type)"
            if name.hasPrefix("Dictionary") { return "an object" }
            if name.hasPrefix("Array") { return "a list" }
            if name == "String" { return "a string" }
            if name == "Bool" { return "true or false" }
            return "a number"
        }
        switch error {
        case .typeMismatch(let type, let context): return "\(place(context)): expected \(kind(type))"
        case .valueNotFound(let type, let context): return "\(place(context)): \(kind(type)) is missing"
        case .keyNotFound(let key, let context): return "\(place(context, key)): missing"
        case .dataCorrupted(let context) where !context.codingPath.isEmpty:
            return "\(place(context)): a value out of range"
        case .dataCorrupted:
            return (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) == nil
                ? "not valid JSON, or a number beyond a double's range"
                : "a number does not fit its place (too large, or not whole)"
        @unknown default: return "it cannot be read"
        }
    }

    /// The largest model file read: far beyond any model a fit writes (AIM's is capped near
    /// 80 MB of cells, a network's at 2^24 parameters), and a file is read whole before it parses.
    public static let largestFileBytes = 1 << 30

    /// The most JSON values (numbers, strings, lists, objects) a model file may hold: above what
    /// `largestFileBytes` of printed doubles can hold (a double takes 10 to 24 characters), so
    /// no model a fit writes and the file cap admits is refused. The decoder holds tens of bytes
    /// for each value however short its text, so a file of half a billion one-digit numbers
    /// would exhaust memory while parsing; counting first bounds it. Marginal models are held
    /// to it as a number of cells (`SynthesisModel`'s loader).
    public static let largestValueCount = 1 << 26

    /// Reads a model file's bytes, or a one-line error: anything but a regular file, a file too
    /// large, or one of more values than `largestValueCount`, is refused before it is parsed.
    public static func read(_ path: String) throws -> Data {
        let data: Data
        switch BoundedFile.read(path, largest: largestFileBytes) {
        case .success(let bytes): data = bytes
        case .failure(.notRegular):
            throw DataError(
                file: path, problem: "not a regular file (a pipe, a device or a folder)",
                hint: "Give a file written by `dpsynth synthesize --model-out`.")
        case .failure(.tooLarge):
            throw DataError(
                file: path, problem: "the file is larger than any model file (\(largestFileBytes >> 20) MB)",
                hint: "Give a file written by `dpsynth synthesize --model-out`.")
        case .failure(.cannotOpen), .failure(.cannotRead):
            throw DataError(file: path, problem: "cannot read the model file", hint: "Check the path.")
        }
        guard valueCount(data) <= largestValueCount else {
            throw DataError(
                file: path, problem: "the file holds more values than any model file (\(largestValueCount))",
                hint: "Give a file written by `dpsynth synthesize --model-out`.")
        }
        return data
    }

    /// An upper bound on the JSON values in `data`: each value after a container's first follows a
    /// comma, and each container opens with a bracket (bytes inside strings are not counted).
    static func valueCount(_ data: Data) -> Int {
        data.withUnsafeBytes { bytes in
            var count = 1
            var inString = false
            var escaped = false
            for byte in bytes {
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaped = true
                    } else if byte == UInt8(ascii: "\"") {
                        inString = false
                    }
                } else if byte == UInt8(ascii: "\"") {
                    inString = true
                } else if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                    count += 1
                }
            }
            return count
        }
    }

    static func notAModel(_ path: String, because reason: String? = nil) -> DataError {
        DataError(
            file: path, problem: "not a DPSynth model file" + (reason.map { " (\($0))" } ?? ""),
            hint: "Give a file written by `dpsynth synthesize --model-out`.")
    }
}
