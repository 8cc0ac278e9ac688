import DPData
import DPRandomness
import DPSynthesis
import Foundation

/// A fitted marginal generator: the graphical model, the schema to decode its rows, and the
/// privacy it cost. Drawing more rows, saving and loading are post-processing and cost nothing.
public struct SynthesisModel: FittedModel {
    public let method: String
    public let schema: Schema
    public let model: GraphicalModel
    let compression: DomainCompression?
    public let record: PrivacyRecord

    /// What a model's fit spent, as its file stores it.
    public struct PrivacyRecord: Sendable, Codable, Equatable {
        public let rho: Double
        public let seeded: Bool
        public let dataset: String
        public let charges: [String]
    }

    init(method: String, session: MeasurementSession, compression: DomainCompression?, model: GraphicalModel) {
        self.method = method
        self.schema = session.data.schema
        self.model = model
        self.compression = compression
        record = PrivacyRecord(
            rho: session.rhoSpent, seeded: session.source.isSeeded, dataset: "", charges: session.log)
    }

    init(method: String, schema: Schema, model: GraphicalModel, compression: DomainCompression?, record: PrivacyRecord)
    {
        self.method = method
        self.schema = schema
        self.model = model
        self.compression = compression
        self.record = record
    }

    public var privacy: ModelPrivacy { ModelPrivacy(rho: record.rho, seeded: record.seeded, charges: record.charges) }

    public var size: ModelSize { .cells(cellCount) }

    /// The model's total, estimated from the noisy marginals (at least 1).
    public var noisyRowCount: Int? {
        guard model.total.isFinite else { return nil }
        // Clamped as a double: a hostile file's total beyond an Int would trap in the conversion.
        return max(1, Int(min(Double(FitRequest.largestRowCount), model.total.rounded())))
    }

    /// `rows` synthetic rows, decoded to the schema's codes (`MarginalModelRows`).
    public func sample(rows: Int, source: RandomSource) -> EncodedDataset {
        sampler().sample(rows: rows, source: source)
    }

    /// The model's clique marginals, computed once for every part drawn, without its potentials.
    public func sampler() -> any RowSampler {
        MarginalModelRows(model: model.calibrated(), compression: compression, schema: schema)
    }

    /// The model size in cells over all cliques.
    public var cellCount: Int { model.tree.cellCount }
}

/// Rows of a marginal model: drawn from its clique marginals (`ModelSampler`), refined toward
/// the model's marginals on small attribute sets (`SampleRefinement`), and decoded to the
/// schema's codes.
///
/// Post-processing of the model: it costs no privacy.
struct MarginalModelRows: RowSampler {
    let model: CalibratedModel
    let compression: DomainCompression?
    let schema: Schema

    func sample(rows: Int, source: RandomSource) -> EncodedDataset {
        var codes = ModelSampler.sample(model, rows: rows, source: source)
        SampleRefinement().refine(&codes, model: model, source: source)
        if let compression { codes = compression.decompress(codes, source: source) }
        return EncodedDataset(schema: schema, codes: codes)
    }
}
