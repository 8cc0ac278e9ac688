import DPRandomness

/// The independent random streams of one run, the same for every command, so `synthesize` and
/// `release` given the same seed, data and settings draw the same rows. Each access returns its
/// stream from the start (for a seeded run, the same draws again), so a stage that draws in
/// parts takes its stream once and keeps drawing from it (`SynthesisStage.write`).
///
/// Privacy: streams split from the secure source are independent secure streams; a seeded source
/// marks every charge and output as seeded (a test run, never a private release).
public struct RunStreams {
    public let root: RandomSource

    public init(_ root: RandomSource) {
        self.root = root
    }

    /// The source for `seed`, or the secure source when there is none.
    public init(seed: UInt64?) {
        self.init(seed.map(RandomSource.seeded) ?? .secure())
    }

    public var isSeeded: Bool { root.isSeeded }

    /// Noise and choices of the fit.
    public var fit: RandomSource { root.split(stream: 1) }
    /// Drawing rows from the fitted model.
    public var sample: RandomSource { root.split(stream: 2) }
    /// Utility evaluation (classifier training).
    public var utility: RandomSource { root.split(stream: 3) }
    /// The attack suite.
    public var audit: RandomSource { root.split(stream: 4) }
    /// Decoding codes to values when the rows are written.
    public var write: RandomSource { root.split(stream: 5) }
    /// The release gate's noise.
    public var gate: RandomSource { root.split(stream: 6) }
}
