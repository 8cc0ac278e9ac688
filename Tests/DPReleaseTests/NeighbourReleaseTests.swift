import DPReport
import DPTestSupport
import Foundation
import Testing

@testable import DPRelease

/// The public report is the part of a release anyone may read: everything in it that the real
/// rows reach must be a DP output. Two seeded releases (the same noise draws) on neighbouring
/// training tables, one row apart, may differ only in the fields that carry noisy figures.
@Suite struct NeighbourReleaseTests {
    /// Every leaf of a JSON value, by its path.
    static func leaves(_ value: Any, at path: String = "") -> [String: String] {
        if let object = value as? [String: Any] {
            return object.reduce(into: [:]) { $0.merge(leaves($1.value, at: path + "." + $1.key)) { a, _ in a } }
        }
        if let array = value as? [Any] {
            return array.enumerated().reduce(into: [:]) {
                $0.merge(leaves($1.element, at: path + "[]")) { a, b in a + "|" + b }
            }
        }
        return [path: "\(value)"]
    }

    static func publicReport(droppingRow: Int?) throws -> [String: String] {
        let fixture = try ReleaseFixture()
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        if let droppingRow {
            let train = fixture.folder.appendingPathComponent("train.csv")
            var lines = try String(contentsOf: train, encoding: .utf8).split(
                separator: "\n", omittingEmptySubsequences: false)
            lines.remove(at: droppingRow + 1)
            try lines.joined(separator: "\n").write(to: train, atomically: true, encoding: .utf8)
        }
        let outcome = try ReleasePipeline(configPath: fixture.config.path).run()
        let object = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: outcome.publicReportPath)))
        return leaves(object)
    }

    /// The fields a neighbouring table may move: the gate's noisy figures (and the reasons that
    /// quote them), the synthetic table's size and hash, and the dates (a run may cross midnight).
    static let noisyFields: Set<String> = [
        ".gate.checks[].advantage", ".gate.checks[].noisyHoldoutRate", ".gate.checks[].noisyTrainRate",
        ".gate.checks[].passed", ".gate.noisyTrainRows", ".gate.noisyHoldoutRows", ".gate.passed",
        ".gate.holdout.noisySharedRows", ".gate.holdout.noisyTrainingOnlyRows", ".gate.holdout.noisyHoldoutOnlyRows",
        ".gate.holdout.passed", ".outcome", ".reasons[]", ".syntheticHash", ".syntheticRows", ".charges[].time",
        ".createdAt",
    ]

    @Test func neighbouringTablesChangeOnlyTheNoisyFigures() throws {
        let (whole, neighbour) = (try Self.publicReport(droppingRow: nil), try Self.publicReport(droppingRow: 1234))
        #expect(Set(whole.keys) == Set(neighbour.keys))
        let changed = Set(whole.keys.filter { whole[$0] != neighbour[$0] })
        #expect(changed.isSubset(of: Self.noisyFields), "\(changed.subtracting(Self.noisyFields).sorted())")
        // The same noise on counts one row apart: the gate's count of training rows moves.
        #expect(changed.contains(".gate.noisyTrainRows"), "\(changed.sorted())")
    }
}
