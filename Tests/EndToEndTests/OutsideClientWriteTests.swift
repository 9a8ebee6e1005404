import Foundation
import Testing
import TestSupport
import TraktEmulator
import TraktEmulatorServer

/// Issue 25: an outside Trakt client library, run unchanged, writes to the emulator over https
/// and reads its writes back. The client is pytrakt (PyPI `pytrakt` 4.4.6, the maintained
/// PyTrakt) in the venv `scripts/install-deps.sh` makes; the script is Tests/Clients/pytrakt_client.py.
@Suite("An outside client writes over https")
struct OutsideClientWriteTests {
    static let python = "/opt/traktql-pyvenv/bin/python"

    static var pytraktInstalled: Bool {
        FileManager.default.fileExists(atPath: "/opt/traktql-pyvenv/lib/python3.11/site-packages/trakt/sync.py")
            || ((try? FileManager.default.contentsOfDirectory(atPath: "/opt/traktql-pyvenv/lib")) ?? []).contains { lib in
                FileManager.default.fileExists(atPath: "/opt/traktql-pyvenv/lib/\(lib)/site-packages/trakt/sync.py")
            }
    }

    @Test(.enabled(if: pytraktInstalled, "needs pytrakt in /opt/traktql-pyvenv (scripts/install-deps.sh)"))
    func pytraktAddsAPlayRatesAndEditsTheWatchlistOverHTTPS() async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        var configuration = EmulatorConfiguration(seed: 3, size: DatasetScale.small.size)
        configuration.tls = TLSFiles(certificatePath: certificates.serverCertificate, keyPath: certificates.serverKey)
        configuration.v2 = V2Settings(clientID: "pytrakt-app", accessToken: "pytrakt-token", tokenUser: "justin", rateLimit: .off)
        let server = try await EmulatorServer.start(configuration)
        try await withEmulator(server) {
            let url = server.baseURL.absoluteString
            #expect(url.hasPrefix("https://"))
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Clients/pytrakt_client.py").path
            var environment = ProcessInfo.processInfo.environment
            environment["REQUESTS_CA_BUNDLE"] = certificates.caFile
            environment["HOME"] = NSTemporaryDirectory()
            let (text, status) = try await ClientProcess.run(Self.python, [script, url, "pytrakt-app", "pytrakt-token", "justin"],
                                                             environment: environment)
            #expect(status == 0, "\(text)")
            #expect(text.hasPrefix("ok pytrakt"), "\(text)")
            // The writes are the server's: its own views show them.
            let history = await server.emulator.respond(EmulatorRequest(target: "/users/justin/history/movies?limit=1", headers: [
                "trakt-api-version": "2", "trakt-api-key": "pytrakt-app"]))
            let newest = (try? JSONSerialization.jsonObject(with: Data(history.body)) as? [[String: Any]])?.first
            #expect(((newest?["movie"] as? [String: Any])?["ids"] as? [String: Any])?["slug"] as? String == "inception-2010")
        }
    }
}
