// swift-format-ignore-file: AlwaysUseLowerCamelCase
// The snake_case properties below mirror the keys of the reference JSON files they decode.

import Foundation

/// The `../shared` folder beside the checkout: reference figures and data for tests and
/// measurements. Tests that need it skip, with this message, when it is absent.
public enum SharedData {
    public static let skipMessage = "../shared (reference vectors and data) is not beside this checkout; skipped"

    /// The package root, found from this file's location.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let root: URL = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")

    public static func url(_ relative: String) -> URL? {
        let url = root.appendingPathComponent(relative)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    public static var hasAccountantVectors: Bool { url("reference/accountant-vectors.json") != nil }

    /// The parsed accountant reference vectors.
    public static func accountantVectors() throws -> AccountantVectors {
        let data = try Data(contentsOf: url("reference/accountant-vectors.json")!)
        return try JSONDecoder().decode(AccountantVectors.self, from: data)
    }
}

public struct AccountantVectors: Decodable, Sendable {
    public struct GaussianExact: Decodable, Sendable {
        public let sigma: Double
        public let sensitivity: Double
        public let delta: Double
        public let eps_analytic_balle_wang: Double
    }

    public struct ZCDPConversion: Decodable, Sendable {
        public let rho: Double
        public let delta: Double
        public let eps_cks20_independent: Double
    }

    public struct SubsampledGaussian: Decodable, Sendable {
        public let q: Double
        public let sigma: Double
        public let steps: Int
        public let delta: Double
        public let dpa_rdp_eps: Double
        public let dpa_pld_eps: Double
        public let opacus_prv_eps: Double
    }

    public let gaussian_exact: [GaussianExact]
    public let zcdp_to_approx_dp: [ZCDPConversion]
    public let poisson_subsampled_gaussian: [SubsampledGaussian]
}
