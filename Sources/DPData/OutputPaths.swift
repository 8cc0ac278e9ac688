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
        // An input's SQLite side files are its own: a ledger's journal or log holds charges, and
        // an output written there would be deleted or read as one.
        let inputs = inputs.flatMap { name, path in
            path.map { path in
                [(name, path)] + Self.sideFileSuffixes.map { ("\(name)'s \($0) file", path + $0) }
            } ?? []
        }
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

    /// The names SQLite gives the files beside a database: rollback journal, write-ahead log and
    /// its shared memory.
    static let sideFileSuffixes = ["-journal", "-wal", "-shm"]

    /// Throws naming the option when an output could not be written: its folder is missing (and
    /// is not to be created) or not writable, or the file exists and is not writable. Checked
    /// before anything is charged, so a run never pays for rows it cannot write.
    /// An existing kept file (`KeptFile`) other than `replacing` is refused.
    /// An output in a release's state folder (`stateFolderName`) is refused unless `intoState`
    /// (the release's own saved model).
    public static func refuseUnwritable(
        _ outputs: [(String, String?)], creatingFolders: Bool = false, replacing: KeptFile? = nil,
        intoState: Bool = false
    ) throws {
        if !intoState {
            for case (let name, let path?) in outputs where isInStateFolder(path) {
                throw DataError(
                    file: path,
                    problem: "\(name) is inside a release's state folder (\(stateFolderName)), which holds the "
                        + "models its runs paid for",
                    hint: "Write the output somewhere else.")
            }
        }
        try refuseUnwritable(outputs, creatingFolders: creatingFolders, replacing: replacing, user: geteuid())
    }

    /// The folder beside a release's report where its runs keep what they paid for (the saved
    /// model) and their commit journal: dpsynth alone writes there.
    public static let stateFolderName = ".dpsynth-state"

    /// Whether `path`, as written or with its links followed, lies in a state folder.
    static func isInStateFolder(_ path: String) -> Bool {
        let url = URL(fileURLWithPath: path)
        let resolved = url.deletingLastPathComponent().resolvingSymlinksInPath().appendingPathComponent(
            url.lastPathComponent)
        // A link at the name itself leads where the output is written (`StagedFiles.stagedPath`).
        let followed = URL(fileURLWithPath: StagedFiles.stagedPath(path))
        return [url.standardizedFileURL, resolved, followed.standardizedFileURL].contains {
            $0.pathComponents.contains(stateFolderName)
        }
    }

    /// `refuseUnwritable` for the effective user `user` (a test checks the sticky-folder rule
    /// for a user other than the one running it).
    static func refuseUnwritable(
        _ outputs: [(String, String?)], creatingFolders: Bool, replacing: KeptFile? = nil, user: uid_t
    ) throws {
        for case (let name, let path?) in outputs {
            guard !path.isEmpty else {
                throw DataError(file: name, problem: "names no file (an empty path)", hint: "Give a file name.")
            }
            guard !path.hasSuffix("/") else {
                throw DataError(
                    file: path, problem: "\(name) ends in '/', which names a folder",
                    hint: "Name a file (inside the folder, say).")
            }
            // A file is written as a temporary beside it (`StaleTemporaryFiles`), whose name is
            // longer: a name the file system takes may have a temporary it refuses.
            guard URL(fileURLWithPath: path).lastPathComponent.utf8.count <= StaleTemporaryFiles.longestName else {
                throw DataError(
                    file: path, problem: "\(name): the file name is too long to be written through a temporary file",
                    hint: "Use a name of at most \(StaleTemporaryFiles.longestName) bytes.")
            }
            try refuseTooLongPath(path, name: name)
            var status = stat()
            var folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            if stat(path, &status) == 0 {
                guard status.st_mode & S_IFMT != S_IFDIR else {
                    throw DataError(
                        file: path, problem: "\(name) is a folder", hint: "Name a file (inside the folder, say).")
                }
                guard !Diagnostics.isSeparatedStandardError(path) else {
                    throw DataError(
                        file: path, problem: "\(name) is standard error, which carries dpsynth's messages only",
                        hint: "Write to a file, or to standard output (/dev/stdout).")
                }
                guard access(path, W_OK) == 0 else {
                    throw DataError(
                        file: path, problem: "\(name) is not writable", hint: "Choose a path you can write to.")
                }
                if status.st_mode & S_IFMT == S_IFREG {
                    try KeptFile.refuseReplacing(path, name: name, allowed: replacing)
                }
                if status.st_mode & S_IFMT == S_IFIFO { try refuseUnreadPipe(path, name: name) }
                if status.st_mode & S_IFMT == S_IFCHR { try refuseRefusingDevice(path, name: name) }
                // A regular file is replaced by renaming a finished copy in its folder; a special
                // file (a terminal, a pipe) is written in place.
                if status.st_mode & S_IFMT == S_IFREG {
                    let staged = StagedFiles.stagedPath(path)
                    let folder = URL(fileURLWithPath: staged).deletingLastPathComponent()
                    try refuseUnwritableFolder(folder, path: path, name: name)
                    try refuseStickyReplacement(staged, in: folder, path: path, name: name, user: user)
                }
                continue
            }
            if creatingFolders {
                while stat(folder.path, &status) != 0, folder.path != "/" {
                    // A link to nothing is no folder to create: creating through it fails.
                    guard lstat(folder.path, &status) != 0 else {
                        throw DataError(
                            file: path, problem: "\(name): \(folder.path) is a symbolic link to nothing",
                            hint: "Point the link at a folder, or write somewhere else.")
                    }
                    folder.deleteLastPathComponent()
                }
            }
            guard stat(folder.path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
                throw DataError(
                    file: path, problem: "\(name): the folder \(folder.path) does not exist",
                    hint: "Create it first, or write somewhere else.")
            }
            try refuseUnwritableFolder(folder, path: path, name: name)
        }
    }

    /// Throws when a folder to create has a name longer than the file system takes (NAME_MAX
    /// bytes), or the temporary file the output is written through has a path longer than the
    /// system takes (PATH_MAX bytes with its terminating zero).
    static func refuseTooLongPath(_ path: String, name: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        if let long = folder.pathComponents.first(where: { $0.utf8.count > NAME_MAX }) {
            throw DataError(
                file: path,
                problem: "\(name): a folder name of \(long.utf8.count) bytes is longer than the file system takes "
                    + "(\(NAME_MAX))",
                hint: "Use shorter folder names.")
        }
        let temporary = folder.appendingPathComponent(StaleTemporaryFiles.name(for: url.lastPathComponent)).path
        guard temporary.utf8.count < PATH_MAX else {
            throw DataError(
                file: path, problem: "\(name): the path is longer than the system takes (\(PATH_MAX) bytes)",
                hint: "Use a shorter path.")
        }
    }

    /// Throws unless a file can be created in `folder`. `access` alone passes for root in a folder
    /// that takes no new file (/proc, say), so a temporary file of the writers' kind
    /// (`StaleTemporaryFiles`) is created there and removed.
    static func refuseUnwritableFolder(_ folder: URL, path: String, name: String) throws {
        let probe = folder.appendingPathComponent(
            StaleTemporaryFiles.name(for: URL(fileURLWithPath: path).lastPathComponent)
        ).path
        let descriptor =
            access(folder.path, W_OK) == 0 ? open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) : -1
        guard descriptor >= 0 else {
            throw DataError(
                file: path, problem: "\(name): the folder \(folder.path) is not writable",
                hint: "Choose a folder you can write to.")
        }
        close(descriptor)
        unlink(probe)
    }

    /// Throws when `file` cannot be renamed over by `user`: in a folder with the sticky bit set
    /// (/tmp), only the owner of the file or of the folder may replace a file (root may always).
    /// Writable folder and file alone do not say so, and the rename comes after the charge.
    static func refuseStickyReplacement(_ file: String, in folder: URL, path: String, name: String, user: uid_t)
        throws
    {
        var folderStatus = stat()
        var fileStatus = stat()
        guard user != 0, stat(folder.path, &folderStatus) == 0, folderStatus.st_mode & S_ISVTX != 0,
            stat(file, &fileStatus) == 0, fileStatus.st_uid != user, folderStatus.st_uid != user
        else { return }
        throw DataError(
            file: path,
            problem: "\(name) belongs to another user in a shared folder (\(folder.path)), which "
                + "lets only its owner replace it",
            hint: "Write to a new file name, or ask the file's owner to remove it.")
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

    /// Throws when the device at `path` would take no output (`WriteProbe`; /dev/full: no space
    /// left), as it would refuse the output after the run has paid. The device is opened without
    /// becoming a controlling terminal.
    static func refuseRefusingDevice(_ path: String, name: String) throws {
        let descriptor = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        let reason = descriptor < 0 ? String(cString: strerror(errno)) : WriteProbe.refusal(of: descriptor)
        if descriptor >= 0 { close(descriptor) }
        guard let reason else { return }
        throw DataError(
            file: path, problem: "\(name) is a device that refuses writes (\(reason))",
            hint: "Write to a file, or to a device that takes the output.")
    }

    /// Throws when the pipe at `path` has no reader now: writing to it would wait, after the
    /// run has paid, until one came. Opened without waiting; a descriptor opened is kept until
    /// the process exits, since closing the pipe's only writer would end its reader's input.
    static func refuseUnreadPipe(_ path: String, name: String) throws {
        let descriptor = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor < 0 else { return }
        guard errno == ENXIO else { return }
        throw DataError(
            file: path, problem: "\(name) is a pipe that nothing reads",
            hint: "Start the reader first (or use a file); writing would wait for one after the run has paid.")
    }
}
