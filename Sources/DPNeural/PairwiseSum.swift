/// Adds vectors of one length so that each passes through few additions: a vector added is merged
/// with the partial sum of as many earlier vectors (a binary counter), and the partial sums left
/// are added at the end, so each of k vectors takes part in at most 2 log2(k) + 1 additions and the
/// rounding error is at most that many units in the last place of the sum of their magnitudes,
/// where adding them in turn errs by up to k. One vector's sum is that vector, bit for bit.
struct PairwiseSum {
    /// `levels[j]` holds the sum of 2^j vectors, or nil.
    private var levels: [[Double]?] = []

    mutating func add(_ vector: [Double]) {
        var carry = vector
        var level = 0
        while level < levels.count, let partial = levels[level] {
            precondition(partial.count == carry.count, "vectors of one length")
            for index in carry.indices { carry[index] += partial[index] }
            levels[level] = nil
            level += 1
        }
        if level == levels.count { levels.append(carry) } else { levels[level] = carry }
    }

    /// The sum of the vectors added, nil when none was.
    var total: [Double]? {
        var result: [Double]?
        for case let partial? in levels {
            guard var sum = result else {
                result = partial
                continue
            }
            for index in sum.indices { sum[index] += partial[index] }
            result = sum
        }
        return result
    }
}
