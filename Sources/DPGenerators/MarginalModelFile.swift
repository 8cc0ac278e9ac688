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

    /// The most cells a fit may give a model: printed at a double's longest with its comma (25
    /// bytes) and room to spare for the file's other values, its file is within
    /// `ModelFile.largestFileBytes`, and its cells within the loader's `maxModelCells`.
    public static let largestFittedCells = ModelFile.largestFileBytes / 32

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
        try file.validate(against: schema, path: path)
        let tree = JunctionTree(domain: file.domain, cliques: file.cliques)
        // The tree's cliques can be larger than the file's (triangulation): checked before they
        // are allocated.
        guard
            tree.cliques.allSatisfy({
                $0.reduce(1.0) { $0 * Double(file.domain[$1]) } <= Double(Description.maxModelCells)
            }),
            tree.cellCount <= Description.maxModelCells
        else {
            throw DataError(
                file: path, problem: "the model file is damaged: its cliques make a model too large",
                hint: "Refit the model.")
        }
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

extension SynthesisModel.Description {
    /// Cells a loaded model may hold in one clique and in all: as many as a model file may hold
    /// values (`ModelFile.largestValueCount`, 0.5 GiB of 8-byte cells), above what a fit makes
    /// (`largestFittedCells`), so no file can make `sample` allocate without bound.
    static let maxCliqueCells = ModelFile.largestValueCount
    static let maxModelCells = ModelFile.largestValueCount

    /// Refuses a model file whose shape does not fit its schema, before anything is allocated:
    /// a crafted or damaged file gets a one-line error, never a trap.
    func validate(against schema: Schema, path: String) throws {
        func damaged(_ problem: String) -> DataError {
            DataError(file: path, problem: "the model file is damaged: \(problem)", hint: "Refit the model.")
        }
        let schemaDomain = schema.encodedColumns.map(\.domainSize)
        guard domain.count == schemaDomain.count else { throw damaged("its domain does not match its schema") }
        guard domain.allSatisfy({ (1...Int(UInt16.max) + 1).contains($0) }) else {
            throw damaged("a domain size is out of range")
        }
        if let compressionMapping {
            // The model is over the compressed domain; the mapping takes each schema code to it.
            guard compressionDomain ?? domain == domain, compressionMapping.count == domain.count,
                let merged = compressionMerged, merged.count == domain.count
            else { throw damaged("its domain compression does not match its schema") }
            for column in domain.indices {
                guard compressionMapping[column].count == schemaDomain[column],
                    compressionMapping[column].allSatisfy({ (0..<domain[column]).contains($0) }),
                    merged[column].allSatisfy({ (0..<schemaDomain[column]).contains($0) })
                else { throw damaged("its domain compression maps a code out of range") }
                // Unmerged codes keep their own compressed codes, one each; the merged ones share
                // the last. Anything else decodes to codes outside the schema, or traps.
                let mergedCodes = Set(merged[column])
                let kept = (0..<schemaDomain[column]).filter { !mergedCodes.contains($0) }
                let expected = mergedCodes.isEmpty ? schemaDomain[column] : kept.count + 1
                guard mergedCodes.count == merged[column].count, mergedCodes.count != 1, domain[column] == expected,
                    Set(kept.map { compressionMapping[column][$0] }).count == kept.count,
                    kept.allSatisfy({ compressionMapping[column][$0] < kept.count }),
                    merged[column].allSatisfy({ compressionMapping[column][$0] == domain[column] - 1 })
                else { throw damaged("its domain compression does not match its schema") }
            }
        } else {
            guard domain == schemaDomain, compressionMerged == nil, compressionDomain == nil else {
                throw damaged("its domain does not match its schema")
            }
        }
        guard potentials.count == cliques.count, total.isFinite, total >= 0 else {
            throw damaged("its cliques, potentials or total are inconsistent")
        }
        var modelCells = 0
        for (clique, values) in zip(cliques, potentials) {
            guard !clique.isEmpty, Set(clique).count == clique.count,
                clique.allSatisfy({ domain.indices.contains($0) })
            else { throw damaged("a clique names a column that does not exist") }
            var cells = 1
            for attribute in clique {
                let (product, overflow) = cells.multipliedReportingOverflow(by: domain[attribute])
                guard !overflow, product <= Self.maxCliqueCells else { throw damaged("a clique is too large") }
                cells = product
            }
            modelCells += cells
            guard modelCells <= Self.maxModelCells else { throw damaged("the model is too large") }
            guard values.count == cells, values.allSatisfy(\.isFinite) else {
                throw damaged("a clique's potentials do not match its size")
            }
        }
    }
}
