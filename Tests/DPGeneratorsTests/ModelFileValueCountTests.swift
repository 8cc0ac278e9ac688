import Foundation
import Testing

@testable import DPSynthesis

/// The bound `ModelFile.read` checks before parsing: never below the values a file holds.
@Suite struct ModelFileValueCountTests {
    @Test func theCountSkipsStringsAndCountsEveryContainer() {
        #expect(ModelFile.valueCount(Data("1".utf8)) == 1)
        #expect(ModelFile.valueCount(Data("[1,2,3]".utf8)) == 4)
        // Five values (an object, a string holding brackets, commas and escaped quotes, a list of
        // two empty containers): a start, four brackets and two commas outside strings.
        #expect(ModelFile.valueCount(Data(#"{"a,[{":"x\",\"y,","b":[[],{}]}"#.utf8)) == 7)
    }

    @Test func aWrittenModelIsWithinTheBound() throws {
        let values = (0..<1000).map { Double($0) / 7 }
        let data = try ModelFile.encode(kind: "toy", model: ["values": values])
        let parsed = try JSONSerialization.jsonObject(with: data)
        #expect(parsed is [String: Any])
        #expect(ModelFile.valueCount(data) >= 1000 + 3)
        #expect(ModelFile.valueCount(data) <= ModelFile.largestValueCount)
    }
}
