import Dispatch
import Foundation

extension AIM {
    /// For each candidate, the cells of the model with it added: 0 for a candidate inside one of
    /// `cliques` (it adds nothing), otherwise the cells of the triangulation of the model's graph
    /// with the candidate joined in. The triangulations are spread over the cores; the result does
    /// not depend on how many there are.
    static func modelSizes(adding candidates: [[Int]], to cliques: [[Int]], domain: [Int]) -> [Int] {
        let current = cliques.map(Set.init)
        let sizes = UnsafeMutableBufferPointer<Int>.allocate(capacity: candidates.count)
        sizes.initialize(repeating: 0)
        defer { sizes.deallocate() }
        nonisolated(unsafe) let shared = sizes
        let threads = max(1, min(ProcessInfo.processInfo.activeProcessorCount, candidates.count))
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for index in stride(from: thread, to: candidates.count, by: threads) {
                let set = Set(candidates[index])
                if current.contains(where: set.isSubset(of:)) { continue }
                shared[index] = JunctionTree.cellCount(domain: domain, cliques: cliques + [candidates[index]])
            }
        }
        return Array(sizes)
    }

    /// The indices of the candidates a round may pick: those inside a clique of the model, and
    /// those whose addition keeps the model within `sizeLimitMB` megabytes of 8-byte cells.
    static func admitted(sizes: [Int], sizeLimitMB: Double) -> [Int] {
        sizes.indices.filter { sizes[$0] == 0 || Double(sizes[$0]) * 8 / 1_048_576 <= sizeLimitMB }
    }
}
