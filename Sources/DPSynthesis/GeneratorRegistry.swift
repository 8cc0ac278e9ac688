import DPData
import Foundation

/// The methods a build offers, by name. `DPRelease` holds the standard one; a test or an
/// application adds its own method with `register`, touching no other file.
public struct GeneratorRegistry: Sendable {
    private var generators: [String: any Generator.Type] = [:]
    private var order: [String] = []

    public init(_ generators: [any Generator.Type] = []) {
        for generator in generators { register(generator) }
    }

    /// Adds (or replaces) the method `generator.method`.
    public mutating func register(_ generator: any Generator.Type) {
        if generators[generator.method] == nil { order.append(generator.method) }
        generators[generator.method] = generator
    }

    /// The method names, in registration order.
    public var methods: [String] { order }

    /// "aim, mst, ..." for messages.
    public var names: String { order.joined(separator: ", ") }

    /// The generator type named `method`, or an error listing the names.
    public func type(named method: String) throws -> any Generator.Type {
        guard let generator = generators[method] else {
            throw GeneratorSettingsError("unknown method '\(method)'; this build offers \(names)")
        }
        return generator
    }

    /// The method `method` configured by `settings`; refuses settings it does not read.
    public func generator(named method: String, settings: GeneratorSettings = GeneratorSettings()) throws
        -> any Generator
    {
        let type = try type(named: method)
        let unused = settings.given.subtracting(type.acceptedSettings)
        guard unused.isEmpty else {
            let names = unused.sorted().map(\.rawValue).joined(separator: ", ")
            let accepted = type.acceptedSettings.sorted().map(\.rawValue).joined(separator: ", ")
            throw GeneratorSettingsError(
                "\(names) do\(unused.count == 1 ? "es" : "") not apply to method \(method)"
                    + " (the settings it reads: \(accepted.isEmpty ? "none" : accepted))")
        }
        try settings.validate()
        return try type.init(settings: settings)
    }

    /// The model saved at `path`, loaded by the generator its file names.
    public func loadModel(path: String) throws -> any FittedModel {
        try loadModel(data: try ModelFile.read(path), path: path)
    }

    /// The model in `data` (the bytes of the model file at `path`), loaded by the generator its
    /// file names; a damaged or crafted file gets a one-line error.
    public func loadModel(data: Data, path: String) throws -> any FittedModel {
        let kind = try ModelFile.kind(of: data, path: path)
        guard let generator = generators[kind] else {
            throw DataError(
                file: path, problem: "a model of unknown method '\(kind)'",
                hint: "This build reads \(names) models.")
        }
        let model = try generator.loadModel(from: data, path: path)
        // The method the model says it is, printed and reported, must be the one that reads it:
        // an edited file is otherwise sampled under another method's name.
        guard model.method == kind else {
            throw DataError(
                file: path, problem: "the file names method '\(kind)' but holds a model of another method",
                hint: "Give a file written by `dpsynth synthesize --model-out`, unedited.")
        }
        return model
    }
}
