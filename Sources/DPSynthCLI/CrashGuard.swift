import DPData
import Foundation

/// What `dpsynth` prints when it crashes: one fixed line, and nothing else.
///
/// The Swift runtime's crash report on Linux prints registers and stack memory, which can hold
/// a private value the process was handling; a crash is treated as a leak. `install()` replaces
/// the runtime's handlers for the fatal signals with one that writes a constant message (no
/// formatting, no allocation: async-signal-safe) and exits with status 70 (EX_SOFTWARE), so no
/// register, stack or core dump leaves the process. Core dumps are switched off too. Both
/// handlers, and the one for SIGINT, SIGTERM and SIGHUP (exit 128 + signal), first remove the
/// temporary files being written (`TemporaryFiles`), so an interrupted run leaves no partial output.
/// The runtime's own report before a trap (a failed allocation's size, which can be a row count)
/// goes nowhere: dpsynth's messages keep standard error, the runtime's descriptor 2 does not
/// (`Diagnostics`); a process that cannot separate them does not start.
enum CrashGuard {
    static let fatalSignals = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT, SIGSYS]
    /// Signals whose default action ends the process: each removes the unfinished output first.
    static let stopSignals = [SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2, SIGALRM, SIGXCPU, SIGVTALRM, SIGPROF]
    /// Signals a failed write raises (a closed pipe, a file-size limit): ignored, so the write
    /// fails with an error the writer handles (removing what it had written) instead of ending
    /// the process with its temporary file in place.
    static let failedWriteSignals = [SIGPIPE, SIGXFSZ]
    /// Room for the handler when the fault is a stack overflow.
    static let alternateStackSize = 64 * 1024

    static func install() {
        guard Diagnostics.separateFromRuntime() else {
            Diagnostics.write(
                "dpsynth: error: cannot open /dev/null to keep the runtime's reports off standard error; "
                    + "run where /dev/null can be opened.\n")
            exit(71)
        }
        TemporaryFiles.prepare()
        var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(Int32(RLIMIT_CORE.rawValue), &noCore)
        var stack = stack_t()
        stack.ss_sp = UnsafeMutableRawPointer.allocate(byteCount: alternateStackSize, alignment: 16)
        stack.ss_size = alternateStackSize
        stack.ss_flags = 0
        _ = sigaltstack(&stack, nil)
        var action = sigaction()
        // The message is a literal inside the handler: no formatting, no allocation; the descriptor
        // it goes to was set by `Diagnostics.separateFromRuntime()` above, before any handler.
        action.__sigaction_handler.sa_handler = { _ in
            TemporaryFiles.removeAll()
            let message: StaticString = """
                dpsynth: internal error: the process stopped on a fault; nothing it was handling is shown. \
                Please report the command you ran (without its data).

                """
            _ = write(Diagnostics.descriptor, message.utf8Start, message.utf8CodeUnitCount)
            _exit(70)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = Int32(SA_ONSTACK)
        for signal in fatalSignals { _ = sigaction(signal, &action, nil) }
        var stop = sigaction()
        stop.__sigaction_handler.sa_handler = { signal in
            // Files moving into place as a set finish first; the commit then re-raises the signal.
            if TemporaryFiles.deferStop(signal) { return }
            TemporaryFiles.removeAll()
            let message: StaticString =
                "dpsynth: stopped by a signal; outputs not yet in place were removed (any in place are whole)\n"
            _ = write(Diagnostics.descriptor, message.utf8Start, message.utf8CodeUnitCount)
            _exit(128 + signal)
        }
        sigemptyset(&stop.sa_mask)
        stop.sa_flags = Int32(SA_ONSTACK)
        for signal in stopSignals { _ = sigaction(signal, &stop, nil) }
        var ignore = sigaction()
        ignore.__sigaction_handler.sa_handler = SIG_IGN
        sigemptyset(&ignore.sa_mask)
        for signal in failedWriteSignals { _ = sigaction(signal, &ignore, nil) }
        // A parent may have left them blocked (a mask is inherited); the handlers must run.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for signal in stopSignals + fatalSignals { sigaddset(&unblock, signal) }
        _ = sigprocmask(SIG_UNBLOCK, &unblock, nil)
    }
}
