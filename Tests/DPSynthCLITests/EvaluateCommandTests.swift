import Foundation
import Testing
import DPTestSupport

@Suite struct EvaluateCommandTests {
    func evaluate(_ data: String, against synthetic: String, schema: String, extra: [String] = []) throws -> CommandRunner.Result {
        try CommandRunner.run(["evaluate", "--train", data, "--holdout", data, "--synthetic", synthetic, "--schema", schema,
                               "--seed", "1"] + extra)
    }

    @Test func aCopyScoresZeroDistanceAndTheRealClassifiersAUC() throws {
        let (data, schema, folder) = try SynthesizeCommandTests().toyFiles()
        let out = folder.appendingPathComponent("evaluation.json").path
        let result = try evaluate(data, against: data, schema: schema,
                                  extra: ["--target", "flag", "--positive", "yes", "--out", out, "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let summary = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        #expect(summary?["three_way_tvd"] as? Double == 0)
        #expect(summary?["k_marginal_score"] as? Double == 1000)
        let synthetic = summary?["tstr_auc gradient-boosted trees"] as? Double
        #expect(synthetic != nil && synthetic == summary?["real_auc gradient-boosted trees"] as? Double)
        #expect(summary?["seeded"] as? Bool == true)
        #expect(FileManager.default.fileExists(atPath: out))
    }

    @Test func aDifferentTableScoresAboveZeroAndNamesTheRealDataInItsOutput() throws {
        let (data, schema, folder) = try SynthesizeCommandTests().toyFiles()
        let other = folder.appendingPathComponent("other.csv").path
        let rows = (0..<300).map { index in "\(30 + index % 9),\(index % 2 == 0 ? "a" : "b"),\(index % 3 == 0 ? "yes" : "no")" }
        try ("age,group,flag\n" + rows.joined(separator: "\n") + "\n").write(toFile: other, atomically: true, encoding: .utf8)
        let result = try evaluate(data, against: other, schema: schema)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("not differentially private"))
        let line = result.standardOutput.split(separator: "\n").first { $0.contains("mean TVD") }.map(String.init) ?? ""
        #expect(line.contains("3-way") && !line.contains("3-way 0.0000"), "\(line)")
    }

    @Test func anUnknownPositiveValueIsOneLineNamingTheChoices() throws {
        let (data, schema, _) = try SynthesizeCommandTests().toyFiles()
        let result = try evaluate(data, against: data, schema: schema, extra: ["--target", "flag", "--positive", "maybe"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("'maybe' is not a value of 'flag'") && result.standardError.contains("yes, no"))
        #expect(result.standardError.split(separator: "\n").count == 1)
    }
}
