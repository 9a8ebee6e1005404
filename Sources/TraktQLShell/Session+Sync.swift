import Foundation
import TraktQL

extension Session {
    /// `.sync`, `.sync full`, `.sync status`: `traktql sync` on the session's own server and login.
    func syncCommand(_ arguments: [String]) async throws(TraktQLError) {
        var request = MirrorSyncRequest()
        for argument in arguments {
            switch argument.lowercased() {
            case "full", "--full": request.full = true
            case "status", "--status": request.status = true
            default: throw .usage("unknown .sync argument '\(TerminalSafety.sanitize(argument))' (.sync, .sync full or .sync status)")
            }
        }
        guard let connection = MirrorConnection(engine: engine.configuration, redactor: engine.configuration.redactor, isEmbedded: baseURL == nil) else {
            throw .usage(".sync is not available here (no connection)")
        }
        do {
            _ = try await TraktQLShell.runSync(request, connection: connection, progressLine: progress, again: ".sync")
        } catch is CancellationError {
            progress?.clear()
            throw .usage("sync interrupted: the sections saved so far are kept, and the next .sync resumes the one under way")
        } catch {
            progress?.clear()
            throw .network(message: connection.redactor.redact("\(error)"), call: "")
        }
    }
}
