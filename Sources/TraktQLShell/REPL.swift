import Foundation
import TraktQL

/// The interactive shell. (Line editing, history and completion land with the REPL issue;
/// this loop reads plain lines.)
struct REPL {
    let session: Session
    let embedded: EmbeddedServer?

    func run() async -> ExitStatus {
        Console.err("traktql — type .help for help, .quit to leave\n")
        var buffer = ""
        while true {
            Console.out(buffer.isEmpty ? "traktql> " : "     ...> ")
            guard let line = readLine(strippingNewline: true) else { break }
            buffer += (buffer.isEmpty ? "" : "\n") + line
            if buffer.trimmingCharacters(in: .whitespaces).isEmpty { buffer = ""; continue }
            let runner = ScriptRunner(session: session, keepGoing: true)
            if await runner.run(source: buffer, name: nil) == .ok, buffer.hasPrefix(".quit") { break }
            buffer = ""
        }
        return .ok
    }
}
