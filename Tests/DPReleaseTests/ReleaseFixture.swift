import DPRandomness
import DPTestSupport
import Foundation

/// A small population in CSV (training and holdout files), its schema, a signing key and a
/// release config, in a fresh temporary folder.
struct ReleaseFixture {
    let folder: URL
    var config: URL { folder.appendingPathComponent("release.yaml") }
    var report: String { folder.appendingPathComponent("out/report").path }
    var out: String { folder.appendingPathComponent("out/synthetic.csv").path }
    var quarantine: String { folder.appendingPathComponent("out/quarantine").path }
    var publicKey: String { folder.appendingPathComponent("keys/release.key.pub").path }

    static let schema = """
        name: people
        columns:
          - {name: id, kind: identifier}
          - {name: age, kind: integer, lower: 18, upper: 89, bins: 12}
          - {name: region, kind: categorical, categories: [north, south, east, west, centre], out_of_domain: missing}
          - {name: job, kind: categorical, categories: [a, b, c, d, e, f, g], missing: error}
          - {name: hours, kind: integer, lower: 1, upper: 80, bins: 8, missing: error}
          - {name: level, kind: coded, levels: 6, missing: error}
          - {name: outcome, kind: categorical, categories: ["no", "yes"], missing: error}

        """

    /// Rows where job follows region, level follows age and the outcome follows job and level.
    static func rows(_ count: Int, seed: UInt64, firstID: Int) -> [String] {
        let source = RandomSource.seeded(seed)
        let regions = ["north", "south", "east", "west", "centre"]
        let jobs = ["a", "b", "c", "d", "e", "f", "g"]
        return (0..<count).map { index in
            let region = Int(source.uniform(below: 5))
            let age = 18 + Int(source.uniform(below: 72))
            let job = source.uniform(below: 2) == 0 ? region : Int(source.uniform(below: 7))
            let hours = 1 + Int(source.uniform(below: 80))
            let level = source.uniform(below: 3) == 0 ? Int(source.uniform(below: 6)) : min(5, (age - 18) / 12)
            let outcome = (job + level + Int(source.uniform(below: 4))) >= 7 ? "yes" : "no"
            return "\(firstID + index),\(age),\(regions[region]),\(jobs[job]),\(hours),\(level),\(outcome)"
        }
    }

    /// `plant` replaces field `plantField` (default: region) of training row 1234; `seed` (nil for
    /// the secure generator, which a run must use to be released) goes into the config.
    init(extraConfig: String = "", plant: String? = nil, plantField: Int = 2, seed: UInt64? = 42) throws {
        folder = try CommandRunner.temporaryDirectory()
        let header = "id,age,region,job,hours,level,outcome"
        var train = Self.rows(3000, seed: 1, firstID: 0)
        if let plant {
            var fields = "1234,40,north,b,40,2,no".split(separator: ",").map(String.init)
            fields[plantField] = plant
            train[1234] = fields.joined(separator: ",")
        }
        try ([header] + train).joined(separator: "\n").appending("\n").write(
            to: folder.appendingPathComponent("train.csv"), atomically: true, encoding: .utf8)
        try ([header] + Self.rows(1500, seed: 2, firstID: 5000)).joined(separator: "\n").appending("\n")
            .write(to: folder.appendingPathComponent("holdout.csv"), atomically: true, encoding: .utf8)
        try Self.schema.write(to: folder.appendingPathComponent("schema.yaml"), atomically: true, encoding: .utf8)
        let config = """
            data: train.csv
            holdout: holdout.csv
            schema: schema.yaml
            method: mst
            epsilon: 1
            delta: 1e-9
            iterations: 200
            ledger: out/ledger.sqlite
            dataset_budget: {epsilon: 2, delta: 1e-8}
            out: out/synthetic.csv
            quarantine: out/quarantine
            report: out/report
            signing_key: keys/release.key
            \(seed.map { "seed: \($0)" } ?? "")
            audit: {secrets: [outcome], quasi_identifiers: [age, region, job, hours]}
            utility: {target: outcome, positive: "yes"}

            """ + extraConfig
        try config.write(to: self.config, atomically: true, encoding: .utf8)
    }
}
