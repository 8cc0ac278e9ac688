import DPData
import DPSynthesis
import Foundation

/// A marginal model's part of the model file, so more rows can be drawn later at no privacy cost.
extension SynthesisModel {
    /// The model description's own version, inside `ModelFile`'s envelope.
    static let descriptionVersion = 1

    struct Description: Codable {
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

    public func fileData() throws -> Data {
        let description = Description(
            version: Self.descriptionVersion, method: method, schema: SchemaWriter.yaml(schema),
            domain: model.tree.domain, cliques: model.tree.cliques, potentials: model.potentials.map(\.values),
            total: model.total, compressionMapping: compression?.mapping, compressionMerged: compression?.merged,
            compressionDomain: compression?.domain, privacy: record)
        return try ModelFile.encode(kind: method, model: description)
    }

    /// Writes the model file, atomically.
    public func save(to path: String) throws {
        try AtomicFile.write(try fileData(), to: path)
    }

    /// Reads a marginal model from a model file's bytes.
    public static func load(from data: Data, path: String) throws -> SynthesisModel {
        let file = try ModelFile.decode(Description.self, from: data, path: path)
        guard file.version == descriptionVersion else {
            throw DataError(
                file: path,
                problem:
                    "model format version \(file.version) is not supported (this build reads \(descriptionVersion))",
                hint: "Refit the model with this version of dpsynth.")
        }
        let schema = try SchemaLoader.parse(file.schema, file: path)
        let tree = JunctionTree(domain: file.domain, cliques: file.cliques)
        var model = GraphicalModel(tree: tree, total: file.total)
        for (attributes, values) in zip(file.cliques, file.potentials) {
            guard let clique = tree.cliques.firstIndex(of: attributes), values.count == model.potentials[clique].size
            else {
                throw DataError(
                    file: path, problem: "the model's cliques are inconsistent",
                    hint: "The file is damaged; refit the model.")
            }
            model.potentials[clique].values = values
        }
        let compression = file.compressionMapping.map { mapping in
            DomainCompression(
                mapping: mapping, merged: file.compressionMerged ?? [], domain: file.compressionDomain ?? file.domain)
        }
        return SynthesisModel(
            method: file.method, schema: schema, model: model, compression: compression, record: file.privacy)
    }

    /// Reads a marginal model file.
    public static func load(from path: String) throws -> SynthesisModel {
        try load(from: try ModelFile.read(path), path: path)
    }
}
