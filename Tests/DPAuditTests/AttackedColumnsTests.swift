import DPAudit
import Testing

@Suite struct AttackedColumnsTests {
    func problem(_ secrets: [String], _ quasi: [String]) -> String? {
        do {
            try AttackedColumns.check(secrets: secrets, quasiIdentifiers: quasi, secretsKey: "S", quasiKey: "Q")
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// A column named twice, and a quasi list that is one secret alone, are refused; a secret among
    /// several known columns is not (its attacker knows the others), nor is an empty quasi list.
    @Test func namesTwiceAndAQuasiListOfTheSecretAloneAreRefused() {
        #expect(problem(["income", "income"], ["age"])?.contains("S: 'income' is named twice") == true)
        #expect(problem(["income"], ["age", "sex", "age"])?.contains("Q: 'age' is named twice") == true)
        #expect(problem(["income"], ["income"])?.contains("Q names only 'income', which is also a secret") == true)
        #expect(problem(["income", "disease"], ["disease"])?.contains("names only 'disease'") == true)
        #expect(problem(["income", "disease"], ["age", "income"]) == nil)
        #expect(problem(["income"], []) == nil)
        #expect(problem([], ["age"]) == nil)
    }
}
