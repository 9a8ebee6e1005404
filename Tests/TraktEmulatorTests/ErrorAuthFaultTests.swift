import Foundation
import Testing
import TraktProtocol

@testable import TraktEmulator
import TraktEmulatorServer
import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite("Errors, auth, protected users and faults")
struct ErrorAuthFaultTests {
    @Test("invalid API key → 401 invalid API key; the right key works")
    func apiKey() async throws {
        let server = try await keyedServer.value
        for path in ["/activity/community.json/wrong", "/activity/community.json", "/server/time.json/nope",
                     "/activity/seasons.json/wrong/the-walking-dead/abc"] {
            let r = try await fetch(server, path)
            #expect(r.status == 401, "\(path)")
            #expect(r.error == "invalid API key")
            #expect(r.json["status"] as? String == "failure")
        }
        let ok = try await fetch(server, "/activity/community.json/secret")
        #expect(ok.status == 200)
        let time = try await fetch(server, "/server/time.json/secret")
        #expect(time.status == 200)
    }

    @Test("malformed segments → 400 with a clear message", arguments: [
        ("/activity/seasons.json/KEY/the-walking-dead/abc", "invalid season 'abc'"),
        ("/activity/episodes.json/KEY/the-walking-dead/1/x", "invalid episode 'x'"),
        ("/activity/community.json/KEY/tvshow", "unknown type 'tvshow'"),
        ("/activity/community.json/KEY/all/sen", "unknown action 'sen'"),
        ("/activity/community.json/KEY/all/all/yesterday", "invalid start_ts 'yesterday'"),
        ("/activity/community.json/KEY/all/all/0/soon", "invalid end_ts 'soon'"),
        ("/activity/shows.json/KEY", "missing title"),
        ("/activity/seasons.json/KEY/the-walking-dead", "missing season"),
        ("/activity/user.json/KEY/a,b", "invalid username 'a,b'"),
        ("/activity/community.json/KEY/all/all/1/2/3", "too many path segments"),
    ])
    func badRequests(path: String, message: String) async throws {
        let server = try await smallServer.value
        let r = try await fetch(server, path)
        #expect(r.status == 400)
        #expect(r.json["status"] as? String == "failure")
        #expect(r.error?.hasPrefix(message) == true, "\(r.error ?? "nil")")
    }

    @Test("unknown user → 404; unknown show or movie → 200 with no activity; unknown route → 404")
    func unknownEntities() async throws {
        let server = try await smallServer.value
        let user = try await fetch(server, "/activity/user.json/KEY/nobody-here")
        #expect(user.status == 404)
        #expect(user.error == "user 'nobody-here' not found")
        let scoped = try await fetch(server, "/activity/user/shows.json/KEY/nobody-here/the-walking-dead")
        #expect(scoped.status == 404)
        for path in ["/activity/shows.json/KEY/no-such-show", "/activity/movies.json/KEY/tt0000000",
                     "/activity/seasons.json/KEY/the-walking-dead/99", "/activity/episodes.json/KEY/the-walking-dead/1/99"] {
            let r = try await fetch(server, path)
            #expect(r.status == 200, "\(path)")
            #expect(r.activity.isEmpty)
            #expect(r.json["timestamps"] != nil)
        }
        // A list mixing known and unknown titles ignores the unknown ones.
        let mixed = try await fetch(server, "/activity/shows.json/KEY/no-such-show,the-walking-dead")
        let known = try await fetch(server, "/activity/shows.json/KEY/the-walking-dead")
        #expect(mixed.body == known.body)
        for path in ["/", "/activity/nothing.json/KEY", "/api/v2/users", "/activity/user/things.json/KEY/justin"] {
            let r = try await fetch(server, path)
            #expect(r.status == 404, "\(path)")
            #expect(r.json["status"] as? String == "failure")
        }
    }

    @Test("friends, friendsme, following, followers require auth")
    func socialStreamsNeedAuth() async throws {
        let server = try await smallServer.value
        for stream in ["friends", "friendsme", "following", "followers"] {
            let r = try await fetch(server, "/activity/\(stream).json/KEY")
            #expect(r.status == 401)
            #expect(r.error == "failed authentication")
            let bad = try await fetch(server, "/activity/\(stream).json/KEY", headers: basicAuth("justin", password: "wrong"))
            #expect(bad.status == 401)
            #expect(bad.error == "failed authentication")
        }
        let unknown = try await fetch(server, "/activity/friends.json/KEY", headers: basicAuth("nobody-here"))
        #expect(unknown.status == 401)
    }

    @Test("social streams contain exactly the right people")
    func socialStreams() async throws {
        let server = try await smallServer.value
        let ds = server.dataset
        let u = ds.userIndex("justin")
        let me = ds.users[u]
        let friends = Set(me.friends)
        #expect(!friends.isEmpty)
        let auth = basicAuth("justin")
        let r = try await fetch(server, "/activity/friends.json/KEY", headers: auth)
        #expect(r.status == 200)
        #expect(identities(r.activity) == reference(ds) { friends.contains($0.user) })
        let fm = try await fetch(server, "/activity/friendsme.json/KEY/episode/all", headers: auth)
        #expect(identities(fm.activity) == reference(ds) { ($0.user == u || friends.contains($0.user)) && $0.kind.type == .episode })
        let following = Set(me.following)
        let f = try await fetch(server, "/activity/following.json/KEY", headers: auth)
        #expect(identities(f.activity) == reference(ds) { a in
            following.contains(a.user) && (!ds.users[Int(a.user)].isProtected || friends.contains(a.user))
        })
        let followers = Set(me.followers)
        let g = try await fetch(server, "/activity/followers.json/KEY/all/all", headers: auth)
        #expect(identities(g.activity) == reference(ds) { a in
            followers.contains(a.user) && (!ds.users[Int(a.user)].isProtected || friends.contains(a.user))
        })
        // Credentials in a POSTed JSON body work too (the v1 write-method style).
        let body = try JSONSerialization.data(withJSONObject: ["username": "justin", "password": SHA1.hex("password-justin")])
        let posted = try await fetch(server, "/activity/friends.json/KEY", method: "POST",
                                     headers: ["Content-Type": "application/json"], body: body)
        #expect(posted.status == 200)
        #expect(posted.body == r.body)
    }

    @Test("a protected user's stream: hidden from strangers, visible to self and friends")
    func protectedUsers() async throws {
        let server = try await smallServer.value
        let ds = server.dataset
        let p = try #require(ds.users.indices.first { ds.users[$0].isProtected && !ds.users[$0].friends.isEmpty })
        let name = ds.users[p].username
        let friend = ds.users[Int(ds.users[p].friends[0])].username
        let stranger = try #require(ds.users.indices.first { $0 != p && !ds.users[p].friends.contains(UInt32($0)) }).description
        let strangerName = ds.users[Int(stranger)!].username

        let anon = try await fetch(server, "/activity/user.json/KEY/\(name)")
        #expect(anon.status == 401)
        #expect(anon.error?.contains("protected") == true)
        let scoped = try await fetch(server, "/activity/user/shows.json/KEY/\(name)/the-walking-dead")
        #expect(scoped.status == 401)
        let asStranger = try await fetch(server, "/activity/user.json/KEY/\(name)", headers: basicAuth(strangerName))
        #expect(asStranger.status == 401)
        let asSelf = try await fetch(server, "/activity/user.json/KEY/\(name)", headers: basicAuth(name))
        #expect(asSelf.status == 200)
        #expect(identities(asSelf.activity) == reference(ds) { $0.user == p })
        let asFriend = try await fetch(server, "/activity/user.json/KEY/\(name)", headers: basicAuth(friend))
        #expect(asFriend.status == 200)
        #expect(asFriend.body == asSelf.body)

        // Community hides protected users' items from anonymous callers, and shows them to self.
        let community = try await fetch(server, "/activity/community.json/KEY")
        for item in community.activity {
            #expect((item["user"] as? [String: Any])?["protected"] as? Bool == false)
        }
        let own = try await fetch(server, "/activity/community.json/KEY", headers: basicAuth(name))
        #expect(identities(own.activity) == reference(ds) { a in
            !ds.users[Int(a.user)].isProtected || a.user == p || ds.users[p].friends.contains(a.user)
        })
    }

    @Test("X-Emulator-Fault: 503")
    func fault503() async throws {
        let server = try await smallServer.value
        let r = try await fetch(server, "/activity/community.json/KEY", headers: ["X-Emulator-Fault": "503"])
        #expect(r.status == 503)
        #expect(r.error == "server is over capacity")
        #expect(r.json["status"] as? String == "failure")
    }

    @Test("X-Emulator-Fault: 429 with Retry-After: 1")
    func fault429() async throws {
        let server = try await smallServer.value
        let r = try await fetch(server, "/activity/community.json/KEY", headers: ["X-Emulator-Fault": "429"])
        #expect(r.status == 429)
        #expect(r.response.value(forHTTPHeaderField: "Retry-After") == "1")
    }

    @Test("X-Emulator-Fault: latency")
    func faultLatency() async throws {
        let server = try await smallServer.value
        let t0 = Date()
        let r = try await fetch(server, "/server/time.json/KEY", headers: ["X-Emulator-Fault": "latency=300ms"])
        #expect(r.status == 200)
        #expect(Date().timeIntervalSince(t0) >= 0.3)
    }

    @Test("X-Emulator-Fault: truncate and malformed give invalid JSON with a 200")
    func faultBodies() async throws {
        let server = try await smallServer.value
        let path = "/activity/shows.json/KEY/the-walking-dead"
        let good = try await fetch(server, path)
        #expect(good.isValidJSON)
        let cut = try await fetch(server, path, headers: ["X-Emulator-Fault": "truncate"])
        #expect(cut.status == 200)
        #expect(!cut.isValidJSON)
        #expect(cut.body.count < good.body.count && good.body.starts(with: cut.body))
        let bad = try await fetch(server, path, headers: ["X-Emulator-Fault": "malformed"])
        #expect(bad.status == 200)
        #expect(!bad.isValidJSON)
    }

    @Test("X-Emulator-Fault: reset drops the connection without a response")
    func faultReset() async throws {
        let server = try await smallServer.value
        await #expect(throws: (any Error).self) {
            _ = try await fetch(server, "/activity/community.json/KEY", headers: ["X-Emulator-Fault": "reset"])
        }
        // The server keeps serving.
        let after = try await fetch(server, "/activity/community.json/KEY")
        #expect(after.status == 200)
    }

    @Test("an invalid X-Emulator-Fault is a 400")
    func faultHeaderInvalid() async throws {
        let server = try await smallServer.value
        let r = try await fetch(server, "/activity/community.json/KEY", headers: ["X-Emulator-Fault": "explode"])
        #expect(r.status == 400)
        #expect(r.error?.contains("X-Emulator-Fault") == true)
    }

    @Test("random faults follow --faults (seeded)")
    func randomFaults() async throws {
        let spec = try FaultSpec(parsing: "503:0.5,429:0.5")
        let server = try await EmulatorServer.start(
            EmulatorConfiguration(seed: 3, size: DatasetSize(activities: 300), faults: spec, now: pinnedNow))
        try await withEmulator(server) {
            var statuses: [Int] = []
            for _ in 0..<20 { statuses.append(try await fetch(server, "/activity/community.json/KEY").status) }
            #expect(Set(statuses) == [503, 429])
            // The catalog is never faulted.
            #expect(try await fetch(server, "/emulator/catalog.json").status == 200)
        }
    }

    @Test("stop() shuts the server down; a fixed port can then be reused")
    func stopAndRebind() async throws {
        let server = try await EmulatorServer.start(EmulatorConfiguration(seed: 2, size: DatasetSize(activities: 200), now: pinnedNow))
        #expect(try await fetch(server, "/server/time.json/KEY").status == 200)
        let port = server.port
        await server.stop()
        await #expect(throws: (any Error).self) { _ = try await fetch(server, "/server/time.json/KEY") }
        let again = try await EmulatorServer.start(
            EmulatorConfiguration(port: port, seed: 2, size: DatasetSize(activities: 200), now: pinnedNow))
        #expect(again.port == port)
        #expect(try await fetch(again, "/server/time.json/KEY").status == 200)
        await again.stop()
        // Binding a port in use is an error, not a hang.
        let holder = try await EmulatorServer.start(EmulatorConfiguration(seed: 2, size: DatasetSize(activities: 200), now: pinnedNow))
        await #expect(throws: EmulatorError.self) {
            _ = try await EmulatorServer.start(
                EmulatorConfiguration(port: holder.port, seed: 2, size: DatasetSize(activities: 200), now: pinnedNow))
        }
        await holder.stop()
    }

    @Test("fault spec parsing")
    func faultSpecParsing() throws {
        let s = try FaultSpec(parsing: "503:0.1,429:0.05,latency:50ms,truncate:0.01,malformed:0.01,reset:0.01")
        #expect(s.overCapacity == 0.1 && s.rateLimited == 0.05 && s.latencyMilliseconds == 50)
        #expect(s.truncate == 0.01 && s.malformed == 0.01 && s.reset == 0.01)
        #expect(try FaultSpec(parsing: "latency:2s").latencyMilliseconds == 2000)
        #expect(try FaultSpec(parsing: "").isEmpty)
        for bad in ["503", "503:2", "boom:0.1", "latency:fast", "503:0.6,429:0.6", "503:0.1,503:0.2", "503:x", ":0.1"] {
            #expect(throws: FaultSpec.ParseError.self, "\(bad)") { try FaultSpec(parsing: bad) }
        }
        #expect(Fault(header: "latency=2000ms") == .latency(milliseconds: 2000))
        #expect(Fault(header: "503") == .overCapacity)
        #expect(Fault(header: "nope") == nil)
    }
}
