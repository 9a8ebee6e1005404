import Foundation
import Testing
import TraktEmulator
@testable import TraktQL
@testable import TraktQLShell

/// The in-process transport of the built-in default: the emulator core called directly, with
/// what a network client would do around it (headers, body cap, timeouts, the `reset` fault as a
/// lost connection, cancellation), and nothing else reachable through it.
@Suite struct EmbeddedServerTransportTests {
    static let now = Date(timeIntervalSince1970: 1_732_449_600)

    static func server(_ faults: String = "") throws -> EmbeddedServer {
        EmbeddedServer(seed: 7, now: now, faults: try FaultSpec(parsing: faults), size: DatasetScale.small.size, v2Token: "tok") { _ in }
    }

    static func url(_ path: String) -> URL { URL(string: EmbeddedServer.placeholderURL.absoluteString + path)! }

    @Test func answersV1AndV2WithTheirHeaders() async throws {
        let server = try Self.server()
        let transport = server.transport
        let v1 = try await transport.send(HTTPRequest(url: Self.url("/activity/user.json/key/justin")))
        #expect(v1.status == 200 && v1.header("content-type") == "application/json; charset=utf-8")
        #expect(v1.header("content-length") == String(v1.body.count))
        let v2 = try await transport.send(HTTPRequest(url: Self.url("/users/me/history?page=2&limit=10"),
                                                      headers: ["trakt-api-version": "2", "trakt-api-key": "x", "Authorization": "Bearer tok"]))
        #expect(v2.status == 200 && v2.header("x-pagination-page") == "2", "\(v2.headers)")
        let missing = try await transport.send(HTTPRequest(url: Self.url("/activity/user.json/key/nosuch")))
        #expect(missing.status == 404 && missing.failureMessage == "user 'nosuch' not found", "\(String(decoding: missing.body, as: UTF8.self))")
        await server.stop()
    }

    /// The REPL makes the dataset while it starts (`prepare`); the banner still comes with the
    /// first statement that uses the emulator, once.
    @Test func preparingMakesTheDatasetAndTheFirstUseAnnouncesIt() async throws {
        let banners = BannerLog()
        let server = EmbeddedServer(seed: 7, now: Self.now, size: DatasetScale.small.size) { banners.add($0) }
        await server.prepare()
        await server.prepare()
        #expect(banners.lines.isEmpty)
        #expect(await server.server == nil)
        let first = try await server.running()
        let again = try await server.running()
        #expect(first === again)
        #expect(banners.lines.count == 1 && banners.lines[0].contains("built-in emulator"), "\(banners.lines)")
        await server.prepare()  // made already: nothing to do
        #expect(banners.lines.count == 1)
        await server.stop()
        await server.prepare()
        await #expect(throws: StoppedError.self) { _ = try await server.running() }
    }

    /// The v2 objects are built with the dataset for a session that starts on v2, left to first
    /// use for one on v1 (which may never need them).
    @Test func aV2SessionGetsItsObjectsWithTheDataset() async throws {
        let v1 = EmbeddedServer(seed: 7, now: Self.now, size: DatasetScale.small.size) { _ in }
        #expect(try await v1.running().deferredViewsAreBuilt == false)
        let v2 = EmbeddedServer(seed: 7, now: Self.now, size: DatasetScale.small.size, api: .v2) { _ in }
        #expect(try await v2.running().deferredViewsAreBuilt)
    }

    @Test func onlyTheBuiltInEmulatorIsReachable() async throws {
        let transport = try Self.server().transport
        await #expect(throws: TransportError.self) {
            _ = try await transport.send(HTTPRequest(url: URL(string: "http://127.0.0.1:9/activity/community.json/k")!))
        }
        do {
            _ = try await transport.send(HTTPRequest(url: URL(string: "https://example.com/users/justin")!))
            Issue.record("another host was answered")
        } catch let error as TransportError {
            #expect(!error.isTransient, "not retried: \(error)")
        }
    }

    /// `reset` drops a connection over HTTP; in-process it is the same retried network failure.
    @Test func theResetFaultIsALostConnection() async throws {
        let transport = try Self.server("reset:1").transport
        do {
            _ = try await transport.send(HTTPRequest(url: Self.url("/activity/community.json/k")))
            Issue.record("a reset answered")
        } catch let error as TransportError {
            guard case .network(let text) = error else { Issue.record("\(error)"); return }
            #expect(text.contains("reset") && error.isTransient, "\(text)")
        }
    }

    @Test func aSlowAnswerTimesOutAndCancellationEndsTheWait() async throws {
        let server = try Self.server("latency:5000ms")
        _ = try await server.running()  // the dataset first: only the call is timed
        let clock = ContinuousClock()
        let started = clock.now
        do {
            _ = try await server.transport.send(HTTPRequest(url: Self.url("/activity/community.json/k"), timeout: 0.3))
            Issue.record("a 5 s latency answered within 0.3 s")
        } catch let error as TransportError {
            guard case .timeout = error else { Issue.record("\(error)"); return }
        }
        #expect(clock.now - started < .seconds(3))
        let call = Task { try await server.transport.send(HTTPRequest(url: Self.url("/activity/community.json/k"))) }
        try await Task.sleep(for: .milliseconds(200))
        let cancelledAt = clock.now
        call.cancel()
        let result = await call.result
        #expect(clock.now - cancelledAt < .seconds(2))
        guard case .failure = result else { Issue.record("a cancelled call answered"); return }
    }

    @Test func theBodyCapHolds() async throws {
        var transport = try Self.server().transport
        transport.client.maximumBodyBytes = 1_000
        do {
            _ = try await transport.send(HTTPRequest(url: Self.url("/activity/community.json/k")))
            Issue.record("a body over the cap was returned")
        } catch let error as TransportError {
            guard case .tooLarge(_, let limit) = error else { Issue.record("\(error)"); return }
            #expect(limit == 1_000)
        }
    }

    @Test func aHeaderThatCouldSmuggleAnotherIsRefused() async throws {
        let transport = try Self.server().transport
        await #expect(throws: TransportError.self) {
            _ = try await transport.send(HTTPRequest(url: Self.url("/users/justin"), headers: ["trakt-api-key": "x\r\nX-Evil: 1"]))
        }
    }
}

/// The banners an ``EmbeddedServer`` announced.
final class BannerLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var lines: [String] { lock.withLock { stored } }
    func add(_ line: String) { lock.withLock { stored.append(line) } }
}
