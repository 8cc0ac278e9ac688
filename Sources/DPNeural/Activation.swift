import Foundation

/// An elementwise nonlinearity and its derivative.
public enum Activation: String, Sendable, Codable {
    case identity, relu, leakyRelu, tanh

    func apply(_ z: Matrix) -> Matrix {
        var a = z
        switch self {
        case .identity: break
        case .relu: for i in a.values.indices { a.values[i] = max(0, a.values[i]) }
        case .leakyRelu: for i in a.values.indices where a.values[i] < 0 { a.values[i] *= 0.2 }
        case .tanh: for i in a.values.indices { a.values[i] = Foundation.tanh(a.values[i]) }
        }
        return a
    }

    /// dZ = dA * f'(z), given the pre-activation z and its activation a.
    func backward(_ gradient: Matrix, preActivation z: Matrix, activation a: Matrix) -> Matrix {
        var result = gradient
        switch self {
        case .identity: break
        case .relu: for i in result.values.indices where z.values[i] <= 0 { result.values[i] = 0 }
        case .leakyRelu: for i in result.values.indices where z.values[i] < 0 { result.values[i] *= 0.2 }
        case .tanh: for i in result.values.indices { result.values[i] *= 1 - a.values[i] * a.values[i] }
        }
        return result
    }
}
