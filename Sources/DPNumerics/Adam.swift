/// Adam (Kingma and Ba 2015) over one flat vector of parameters, for every model the package
/// trains: the DP-SGD networks (Float) and the audit's logistic regression (Double).
public struct Adam<Scalar: BinaryFloatingPoint>: Sendable where Scalar: Sendable {
    public var learningRate: Scalar
    public let beta1: Scalar
    public let beta2: Scalar
    public let epsilon: Scalar
    @usableFromInline var firstMoment: [Scalar]
    @usableFromInline var secondMoment: [Scalar]
    @usableFromInline var beta1Power: Scalar = 1
    @usableFromInline var beta2Power: Scalar = 1

    /// Kingma and Ba's defaults: β₂ = 0.999, ε = 1e-8; β₁ = 0.9 unless a model asks for less
    /// momentum (GANs use 0.5).
    public init(parameterCount: Int, learningRate: Scalar, beta1: Scalar = 0.9, beta2: Scalar = 0.999) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = 1e-8
        firstMoment = [Scalar](repeating: 0, count: parameterCount)
        secondMoment = firstMoment
    }

    /// Starts a step: call once before the `update`s that together cover every parameter.
    @inlinable
    public mutating func beginStep() {
        beta1Power *= beta1
        beta2Power *= beta2
    }

    /// Updates `values`, the parameters at `offset ..< offset + values.count` of the flat vector,
    /// with their gradients `gradient(i)` for i in 0 ..< values.count.
    @inlinable
    public mutating func update(_ values: inout [Scalar], at offset: Int, gradient: (Int) -> Scalar) {
        let rate = learningRate * (1 - beta2Power).squareRoot() / (1 - beta1Power)
        for i in values.indices {
            let g = gradient(i)
            let m = beta1 * firstMoment[offset + i] + (1 - beta1) * g
            let v = beta2 * secondMoment[offset + i] + (1 - beta2) * g * g
            firstMoment[offset + i] = m
            secondMoment[offset + i] = v
            values[i] -= rate * m / (v.squareRoot() + epsilon)
        }
    }
}
