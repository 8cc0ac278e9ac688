import Foundation

/// The rule that no output ever replaces an input: checked before anything is charged.
///
/// Two paths name the same file when, after following links, they have the same device and
/// inode (so hard links, `./a` and `a`, and links to a file all count); an output that does not
/// exist yet is compared by its resolved path.
public enum OutputPaths {
    /// Throws naming both options when an output would replace an input or another output.
    /// Each entry is (the option or key that named it, the path); nil paths are skipped.
    public static func refuseOverlap(outputs: [(String, String?)], inputs: [(String, String?)]) throws {
        let outputs = outputs.compactMap { name, path in path.map { (name, $0) } }
        let inputs = inputs.compactMap { name, path in path.map { (name, $0) } }
        for (index, (outputName, output)) in outputs.enumerated() {
            guard let outputIdentity = identity(of: output) else { continue }
            for (inputName, input) in inputs where identity(of: input) == outputIdentity {
                throw DataError(
                    file: output, problem: "\(outputName) names the same file as \(inputName)",
                    hint: "Write the output somewhere else; dpsynth never replaces an input.")
            }
            for (otherName, other) in outputs[(index + 1)...] where identity(of: other) == outputIdentity {
                throw DataError(
                    file: output, problem: "\(outputName) and \(otherName) name the same file",
                    hint: "Give each output its own path.")
            }
        }
    }

    enum Identity: Equatable {
        case file(device: UInt64, inode: UInt64)
        case path(String)
    }

    /// The file `path` names, or its resolved path when it does not exist; nil for devices
    /// such as /dev/null, which many outputs may share.
    static func identity(of path: String) -> Identity? {
        var status = stat()
        if stat(path, &status) == 0 {
            let type = status.st_mode & S_IFMT
            guard type == S_IFREG || type == S_IFDIR else { return nil }
            return .file(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().resolvingSymlinksInPath()
        return .path(folder.appendingPathComponent(url.lastPathComponent).standardizedFileURL.path)
    }
}
