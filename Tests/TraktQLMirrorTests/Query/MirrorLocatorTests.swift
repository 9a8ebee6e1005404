import Foundation
import Testing
import TraktQL
@testable import TraktQLMirror

/// Which mirror `--mirror` reads without `--mirror-file`: the account's mirror of the server.
@Suite struct MirrorLocatorTests {
    static let server = URL(string: "https://api.trakt.tv")!

    private func mirror(_ user: String, own: Bool, in data: String) throws {
        let store = try MirrorStore(path: MirrorStore.defaultPath(server: Self.server, user: user, environment: ["XDG_DATA_HOME": data]))
        try store.connection.execute("INSERT INTO account (id, server, user, own, created_at) VALUES (1, ?, ?, ?, 0)",
                                     [.text(Self.server.absoluteString), .text(user), .integer(own ? 1 : 0)])
    }

    @Test func noneOneOrSeveral() throws {
        let data = NSTemporaryDirectory() + "traktql-locator-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: data) }
        let environment = ["XDG_DATA_HOME": data]
        #expect(throws: TraktQLError.self) { try MirrorLocator.path(server: Self.server, environment: environment) }
        do {
            _ = try MirrorLocator.path(server: Self.server, environment: environment)
        } catch {
            #expect(error.description.contains("run `traktql sync` first"), "\(error)")
        }
        try mirror("justin", own: true, in: data)
        #expect(try MirrorLocator.path(server: Self.server, environment: environment) == data + "/traktql/mirror/api.trakt.tv/justin.sqlite")
        // `sync --user sean` adds a public mirror: the account's own still wins.
        try mirror("sean", own: false, in: data)
        #expect(try MirrorLocator.path(server: Self.server, environment: environment).hasSuffix("/justin.sqlite"))
        // Two public ones and no own: which one is not guessed.
        try FileManager.default.removeItem(atPath: data + "/traktql/mirror/api.trakt.tv/justin.sqlite")
        try mirror("alex", own: false, in: data)
        do {
            let path = try MirrorLocator.path(server: Self.server, environment: environment)
            Issue.record("picked \(path)")
        } catch {
            #expect(error.description.contains("--mirror-file"), "\(error)")
        }
    }

    @Test func aMissingFileIsNotCreatedByReading() throws {
        let path = NSTemporaryDirectory() + "traktql-locator-\(UUID().uuidString).sqlite"
        #expect(throws: TraktQLError.self) { try MirrorStoreDatabase.open(path: path, server: "https://api.trakt.tv") }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aMirrorWithoutAccountSaysItsFirstSyncDidNotFinish() throws {
        let path = NSTemporaryDirectory() + "traktql-locator-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try MirrorStore(path: path)
        let database = try MirrorStoreDatabase.open(path: path, server: "https://api.trakt.tv")
        do {
            _ = try database.account()
            Issue.record("an empty mirror has an account")
        } catch {
            #expect(error.description.contains("first sync did not finish"), "\(error)")
        }
    }
}
