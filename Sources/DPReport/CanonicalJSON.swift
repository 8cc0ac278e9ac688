import Foundation

/// The one byte form of a report that is hashed and signed: keys sorted, no insignificant
/// whitespace beyond the encoder's pretty printing, dates in ISO 8601, slashes unescaped.
public enum CanonicalJSON {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(value)
    }

    /// `value`'s object with a `notice` key beside its own: a file of figures computed on the
    /// real data says so in itself, wherever it is copied.
    public static func encode<T: Encodable>(_ value: T, notice: String) throws -> Data {
        try encode(Noticed(notice: notice, value: value))
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try decoder.decode(type, from: data)
    }
}

/// A value encoded with one more key, `notice`, in its own object.
private struct Noticed<Value: Encodable>: Encodable {
    let notice: String
    let value: Value

    enum Key: String, CodingKey { case notice }

    func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(notice, forKey: .notice)
    }
}
