import Foundation

/// An outside client program run against a server in this process.
public enum ClientProcess {
    /// Runs `path` with `arguments` (and `environment`, else this process's), its standard
    /// output and error together, and returns them with its exit status. The child is read and
    /// waited for on a thread of its own: blocking Swift's cooperative pool (two threads on a
    /// two-core machine) would stall the server the client talks to.
    public static func run(_ path: String, _ arguments: [String], environment: [String: String]? = nil) async throws -> (output: String, status: Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return await withCheckedContinuation { (continuation: CheckedContinuation<(String, Int32), Never>) in
            Thread {
                let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                continuation.resume(returning: (text, process.terminationStatus))
            }.start()
        }
    }
}
