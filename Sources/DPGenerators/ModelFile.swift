import DPData
import Foundation

/// Saving and loading fitted models (versioned JSON), so more rows can be drawn later at no
/// privacy cost.
extension SynthesisModel {
    struct File: Codable {
        var version: Int
        var method: String
        var schema: String
        var domain: [Int]
        var cliques: [[Int]]
        var potentials: [[Double]]
        var total: Double
        var compressionMapping: [[Int]]?
        var compressionMerged: [[Int]]?
        var compressionDomain: [Int]?
        var privacy: PrivacyRecord
    }

    /// Writes the model as JSON, atomically.
    public func save(to path: String) throws {
        let file = File(version: Self.formatVersion, method: method, schema: SchemaWriter.yaml(schema), domain: model.tree.domain,
                        cliques: model.tree.cliques, potentials: model.potentials.map(\.values), total: model.total,
                        compressionMapping: compression?.mapping, compressionMerged: compression?.merged,
                        compressionDomain: compression?.domain, privacy: privacy)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(try encoder.encode(file), to: path)
    }

    /// Reads a model written by `save(to:)`.
    public static func load(from path: String) throws -> SynthesisModel {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(file: path, problem: "cannot read the model file", hint: "Check the path.")
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw DataError(file: path, problem: "not a DPSynth model file (\(error))", hint: "Give a file written by --model-out.")
        }
        guard file.version == formatVersion else {
            throw DataError(file: path, problem: "model format version \(file.version) is not supported (this build reads \(formatVersion))",
                            hint: "Refit the model with this version of dpsynth.")
        }
        let schema = try SchemaLoader.parse(file.schema, file: path)
        let tree = JunctionTree(domain: file.domain, cliques: file.cliques)
        var model = GraphicalModel(tree: tree, total: file.total)
        for (attributes, values) in zip(file.cliques, file.potentials) {
            guard let clique = tree.cliques.firstIndex(of: attributes), values.count == model.potentials[clique].size else {
                throw DataError(file: path, problem: "the model's cliques are inconsistent", hint: "The file is damaged; refit the model.")
            }
            model.potentials[clique].values = values
        }
        let compression = file.compressionMapping.map { mapping in
            DomainCompression(mapping: mapping, merged: file.compressionMerged ?? [], domain: file.compressionDomain ?? file.domain)
        }
        return SynthesisModel(method: file.method, schema: schema, model: model, compression: compression, privacy: file.privacy)
    }
}
