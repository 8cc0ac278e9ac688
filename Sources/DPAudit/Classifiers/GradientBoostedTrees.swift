import DPData
import Foundation

/// Gradient-boosted decision trees for a binary label on encoded columns (log loss, second-order
/// leaf values, depth-wise growth on code histograms). An ordered column splits at a code
/// threshold; a categorical column splits its codes into two groups ordered by gradient ratio,
/// as LightGBM does. The stronger classifier of the utility checks.
public struct GradientBoostedTrees: Sendable {
    public struct Settings: Sendable {
        public var rounds = 150
        public var depth = 6
        public var learningRate = 0.1
        public var l2 = 1.0
        public var minimumLeafHessian = 1.0
        public var minimumLeafRows = 20
        public init() {}
    }

    struct Node: Sendable {
        var column = -1
        /// For a split: whether each code of `column` goes to the left child.
        var left: [Bool] = []
        var leftChild = 0
        var rightChild = 0
        var value = 0.0
    }

    public let features: [Int]
    let trees: [[Node]]
    let baseScore: Double

    /// Fit on `data` to predict whether encoded column `target` equals `positive`.
    public static func fit(
        _ data: EncodedDataset, target: Int, positive: UInt16, features: [Int],
        settings: Settings = Settings()
    ) -> GradientBoostedTrees {
        let n = data.rowCount
        let labels = data.codes[target].map { $0 == positive ? 1.0 : 0.0 }
        let mean = min(max(labels.reduce(0, +) / Double(max(n, 1)), 1e-6), 1 - 1e-6)
        let baseScore = log(mean / (1 - mean))
        var scores = [Double](repeating: baseScore, count: n)
        var gradients = [Double](repeating: 0, count: n)
        var hessians = gradients
        var trees: [[Node]] = []
        let domain = features.map { data.domain[$0] }
        let offsets = domain.reduce(into: [0]) { $0.append($0.last! + $1) }
        let ordered = features.map { column -> Bool in
            if case .categorical = data.columns[column].kind { return false }
            return true
        }
        let columns = features.map { data.codes[$0] }
        for _ in 0..<settings.rounds {
            for row in 0..<n {
                let p = 1 / (1 + exp(-scores[row]))
                gradients[row] = p - labels[row]
                hessians[row] = max(p * (1 - p), 1e-12)
            }
            var nodes = [Node()]
            var assignment = [Int32](repeating: 0, count: n)
            var frontier = [0]
            for _ in 0..<settings.depth where !frontier.isEmpty {
                let slot = Dictionary(uniqueKeysWithValues: frontier.enumerated().map { ($1, $0) })
                let cells = offsets.last!
                var gradientSums = [Double](repeating: 0, count: frontier.count * cells)
                var hessianSums = gradientSums
                var rowCounts = [Int](repeating: 0, count: frontier.count * cells)
                for row in 0..<n {
                    guard let s = slot[Int(assignment[row])] else { continue }
                    let base = s * cells
                    for (j, codes) in columns.enumerated() {
                        let cell = base + offsets[j] + Int(codes[row])
                        gradientSums[cell] += gradients[row]
                        hessianSums[cell] += hessians[row]
                        rowCounts[cell] += 1
                    }
                }
                var next: [Int] = []
                for (s, node) in frontier.enumerated() {
                    let split = bestSplit(
                        slot: s, cells: cells, offsets: offsets, domain: domain, ordered: ordered,
                        gradientSums: gradientSums, hessianSums: hessianSums, rowCounts: rowCounts, settings: settings)
                    guard let split else { continue }
                    nodes[node].column = split.feature
                    nodes[node].left = split.left
                    nodes[node].leftChild = nodes.count
                    nodes[node].rightChild = nodes.count + 1
                    nodes.append(Node())
                    nodes.append(Node())
                    next += [nodes.count - 2, nodes.count - 1]
                }
                for row in 0..<n {
                    let node = nodes[Int(assignment[row])]
                    guard node.column >= 0 else { continue }
                    assignment[row] = Int32(
                        node.left[Int(columns[node.column][row])] ? node.leftChild : node.rightChild)
                }
                frontier = next
            }
            var leafGradient = [Double](repeating: 0, count: nodes.count)
            var leafHessian = leafGradient
            for row in 0..<n {
                leafGradient[Int(assignment[row])] += gradients[row]
                leafHessian[Int(assignment[row])] += hessians[row]
            }
            for index in nodes.indices where nodes[index].column < 0 {
                nodes[index].value = -settings.learningRate * leafGradient[index] / (leafHessian[index] + settings.l2)
            }
            for row in 0..<n { scores[row] += nodes[Int(assignment[row])].value }
            trees.append(nodes)
        }
        return GradientBoostedTrees(features: features, trees: trees, baseScore: baseScore)
    }

    struct Split {
        let feature: Int
        let left: [Bool]
    }

    static func bestSplit(
        slot: Int, cells: Int, offsets: [Int], domain: [Int], ordered: [Bool],
        gradientSums: [Double], hessianSums: [Double], rowCounts: [Int], settings: Settings
    ) -> Split? {
        let base = slot * cells
        var best: (gain: Double, feature: Int, order: [Int], cut: Int)?
        for j in domain.indices {
            let start = base + offsets[j]
            var codes = Array(0..<domain[j]).filter { rowCounts[start + $0] > 0 }
            guard codes.count > 1 else { continue }
            if !ordered[j] {
                codes.sort {
                    gradientSums[start + $0] / (hessianSums[start + $0] + settings.l2)
                        < gradientSums[start + $1] / (hessianSums[start + $1] + settings.l2)
                }
            }
            let totalG = codes.reduce(0) { $0 + gradientSums[start + $1] }
            let totalH = codes.reduce(0) { $0 + hessianSums[start + $1] }
            let totalN = codes.reduce(0) { $0 + rowCounts[start + $1] }
            let parent = totalG * totalG / (totalH + settings.l2)
            var g = 0.0
            var h = 0.0
            var count = 0
            for cut in 0..<(codes.count - 1) {
                g += gradientSums[start + codes[cut]]
                h += hessianSums[start + codes[cut]]
                count += rowCounts[start + codes[cut]]
                let rightH = totalH - h
                let rightN = totalN - count
                guard h >= settings.minimumLeafHessian, rightH >= settings.minimumLeafHessian,
                    count >= settings.minimumLeafRows, rightN >= settings.minimumLeafRows
                else { continue }
                let rightG = totalG - g
                let gain = g * g / (h + settings.l2) + rightG * rightG / (rightH + settings.l2) - parent
                if gain > (best?.gain ?? 1e-9) { best = (gain, j, codes, cut) }
            }
        }
        guard let best else { return nil }
        var left = [Bool](repeating: false, count: domain[best.feature])
        if ordered[best.feature] {
            for code in 0...best.order[best.cut] { left[code] = true }
        } else {
            for code in best.order[...best.cut] { left[code] = true }
        }
        return Split(feature: best.feature, left: left)
    }

    /// The log-odds of the positive label for every row of `data`.
    public func predictLogOdds(_ data: EncodedDataset) -> [Double] {
        let columns = features.map { data.codes[$0] }
        return (0..<data.rowCount).map { row in
            var score = baseScore
            for nodes in trees {
                var node = nodes[0]
                while node.column >= 0 {
                    node = nodes[node.left[Int(columns[node.column][row])] ? node.leftChild : node.rightChild]
                }
                score += node.value
            }
            return score
        }
    }
}
