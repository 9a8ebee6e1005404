#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

@testable import TraktQL

/// The saved login's file: private from its first byte, replaced atomically, refused when unsafe.
@Suite struct TokenStoreTests {
    static func sample(_ n: Int = 1) -> OAuthToken {
        OAuthToken(accessToken: "access-\(n)-0123456789abcdef", refreshToken: "refresh-\(n)-fedcba9876543210",
                   expiresAt: Date(timeIntervalSince1970: 1_800_000_000), scope: "public",
                   createdAt: Date(timeIntervalSince1970: 1_799_000_000), server: "http://127.0.0.1:1")
    }

    /// A fresh, missing `…/traktql/token.json` under a new temporary directory.
    static func freshStore() -> (TokenStore, String) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("traktql-tokenstore-\(UUID().uuidString)")
        return (TokenStore(url: base.appendingPathComponent("traktql/token.json")), base.path)
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        #expect(lstat(path, &info) == 0, "\(path) exists")
        return info.st_mode & 0o7777
    }

    @Test func missingFileIsNoLogin() throws {
        let (store, base) = Self.freshStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        #expect(try store.load() == nil)
        #expect(try store.delete() == false)
    }

    @Test func savesPrivatelyAndReadsBack() throws {
        let (store, base) = Self.freshStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        // A permissive umask must not widen the file or the directory.
        let old = umask(0)
        defer { umask(old) }
        try store.save(Self.sample())
        #expect(Self.mode(store.url.path) == 0o600)
        #expect(Self.mode(store.url.deletingLastPathComponent().path) == 0o700)
        #expect(try store.load() == Self.sample())
        let text = try String(contentsOf: store.url, encoding: .utf8)
        #expect(text.contains("\"expires_at\" : 1800000000"))
        #expect(text.contains("\"access_token\""))
    }

    @Test func replacesAtomically() throws {
        let (store, base) = Self.freshStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try store.save(Self.sample(1))
        // A reader holding the old file keeps seeing the old pair whole: the new one is a new
        // file renamed over it, never the old one rewritten in place.
        let reader = try FileHandle(forReadingFrom: store.url)
        defer { try? reader.close() }
        var before = stat()
        stat(store.url.path, &before)
        try store.save(Self.sample(2))
        var after = stat()
        stat(store.url.path, &after)
        #expect(before.st_ino != after.st_ino, "the new pair is a new file")
        let old = try JSONDecoder().decode(OAuthToken.self, from: reader.readToEnd() ?? Data())
        #expect(old == Self.sample(1))
        #expect(try store.load() == Self.sample(2))
        #expect(Self.mode(store.url.path) == 0o600)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.url.deletingLastPathComponent().path)
        #expect(leftovers == ["token.json"], "no temporary file left behind")
    }

    @Test func refusesAFileOthersCanRead() throws {
        let (store, base) = Self.freshStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try store.save(Self.sample())
        for mode: mode_t in [0o644, 0o640, 0o602] {
            chmod(store.url.path, mode)
            #expect {
                _ = try store.load()
            } throws: { error in
                let e = error as? OAuthError
                return e?.kind == .tokenFile && e!.message.contains("chmod 600 \(store.url.path)") && e!.message.contains(String(mode, radix: 8))
            }
        }
        chmod(store.url.path, 0o600)
        #expect(try store.load() == Self.sample())
    }

    @Test func refusesASymbolicLink() throws {
        let (store, base) = Self.freshStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try store.save(Self.sample())
        let target = base + "/elsewhere.json"
        try FileManager.default.moveItem(atPath: store.url.path, toPath: target)
        try FileManager.default.createSymbolicLink(atPath: store.url.path, withDestinationPath: target)
        #expect { _ = try store.load() } throws: { ($0 as? OAuthError)?.message.contains("symbolic link") == true }
    }

    @Test(.enabled(if: getuid() == 0, "changing a file's owner needs root"))
    func refusesAnotherUsersFile() throws {
        let (store, base) = Self.freshStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try store.save(Self.sample())
        #expect(chown(store.url.path, 4242, 4242) == 0)
        #expect { _ = try store.load() } throws: { ($0 as? OAuthError)?.message.contains("belongs to another user (uid 4242)") == true }
    }

    @Test func refusesADirectoryOthersCanWrite() throws {
        let (store, base) = Self.freshStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let directory = store.url.deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(directory, 0o777)
        #expect { try store.save(Self.sample()) } throws: { ($0 as? OAuthError)?.message.contains("chmod 700 \(directory)") == true }
        #expect(!FileManager.default.fileExists(atPath: store.url.path))
    }

    @Test func tightensAnExistingDirectory() throws {
        let (store, base) = Self.freshStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let directory = store.url.deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(directory, 0o755)
        try store.save(Self.sample())
        #expect(Self.mode(directory) == 0o700)
    }

    @Test func refusesGarbage() throws {
        let (store, base) = Self.freshStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try store.save(Self.sample())
        try Data("{\"scope\":\"public\"}".utf8).write(to: store.url)
        chmod(store.url.path, 0o600)
        #expect { _ = try store.load() } throws: { ($0 as? OAuthError)?.message.contains("not a traktql token file") == true }
    }

    @Test func deleteRemovesIt() throws {
        let (store, base) = Self.freshStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try store.save(Self.sample())
        #expect(try store.delete())
        #expect(try store.load() == nil)
    }

    @Test func tokensNeverShowInDescriptions() {
        let token = Self.sample()
        var dumped = ""
        dump(token, to: &dumped)
        for text in [token.description, String(describing: token), String(reflecting: token), dumped] {
            #expect(!text.contains(token.accessToken) && !text.contains(token.refreshToken), "\(text)")
        }
        var redactor = Redactor()
        redactor.add(token)
        #expect(redactor.redact("got \(token.accessToken) and \(token.refreshToken)") == "got <token> and <token>")
    }

    @Test func defaultLocationFollowsXDG() {
        #expect(TokenStore.defaultLocation(environment: ["XDG_CONFIG_HOME": "/x/cfg", "HOME": "/h"]).path == "/x/cfg/traktql/token.json")
        #expect(TokenStore.defaultLocation(environment: ["HOME": "/h"]).path == "/h/.config/traktql/token.json")
    }
}
