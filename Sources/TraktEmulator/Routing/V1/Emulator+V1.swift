import Foundation
import TraktProtocol

/// The v1 activity API: `/activity/*`, `/server/time.json` and the `/emulator/catalog.json`
/// extension, with the v1 key and credential checks.
extension Emulator {
    /// Answers a parsed v1 route (the catalog is answered before faults, in ``respond(_:)``).
    func v1(_ route: Route, _ request: EmulatorRequest) -> EmulatorResponse {
        do throws(APIFailure) {
            switch route {
            case .catalog:
                return EmulatorResponse(status: 200, body: catalogBody)
            case .serverTime:
                var out = JSONBytes()
                out.raw("{\"timestamp\":")
                out.int(dataset.clock.apiTimestamp(nowUnix))
                out.raw(",\"timezone\":\"PST\"}")
                return EmulatorResponse(status: 200, body: out.bytes)
            case .activity(let req):
                // v1 write-method style: credentials in a POSTed JSON body.
                let body = request.method == "POST" && request.body.count <= Self.bodyLimit ? request.body : []
                let viewer = try authenticate(request.headers["Authorization"], body: body)
                if req.endpoint.requiresAuth && viewer == nil { throw APIFailure.failedAuth }
                if v2.overlay.isEmpty {
                    let positions = try engine.run(req, viewer: engine.viewer(viewer))
                    return EmulatorResponse(status: 200, body: renderer.page(positions: positions, request: req, nowUnix: nowUnix))
                }
                let items = try itemsWithWrites(req, viewer: viewer)
                return EmulatorResponse(status: 200, body: renderer.page(items: items, request: req, nowUnix: nowUnix))
            }
        } catch {
            return failure(error)
        }
    }

    func acceptKey(_ key: String) -> Bool {
        guard let expected = configuration.apiKey else { return true }
        return ConstantTime.equals(key, expected)
    }

    /// The authenticated user, nil when no credentials were sent; throws 401 on bad ones.
    /// Accepts HTTP Basic (`username:sha1hex(password)`) or a JSON body with `username` and
    /// `password` (the SHA-1 hex), as v1 clients sent them.
    func authenticate(_ authorization: String?, body: [UInt8]) throws(APIFailure) -> Int? {
        var credentials: (String, String)?
        if let authorization {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "basic",
                let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
                let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
            else { throw .failedAuth }
            credentials = (String(text[..<colon]), String(text[text.index(after: colon)...]))
        } else if !body.isEmpty {
            if let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
                let u = object["username"] as? String, let p = object["password"] as? String
            {
                credentials = (u, p)
            }
        }
        guard let (username, password) = credentials else { return nil }
        guard let u = dataset.userByName[username.lowercased()] else { throw .failedAuth }
        let expected = SHA1.hex(Dataset.password(forUsername: dataset.users[u].username))
        guard ConstantTime.equals(password.lowercased(), expected) else { throw .failedAuth }
        return u
    }

    /// `GET /emulator/catalog.json` (an emulator extension, no API key): shows, movies and
    /// users, for clients' completion.
    static func renderCatalog(_ ds: Dataset, hostile: Bool = false) -> [UInt8] {
        var out = JSONBytes()
        out.raw("{\"shows\":[")
        if hostile {
            // Slugs that extend real ones with a terminal attack: a client that completes
            // `show:the-walking-d` from this catalog must not put them on the screen or the line.
            for payload in HostileText.payloads {
                out.raw("{\"slug\":")
                out.string("the-walking-dead" + payload.prefix + payload.suffix)
                out.raw(",\"title\":\"hostile\",\"year\":2024,\"tvdb_id\":0,\"imdb_id\":\"\",\"seasons\":[]},")
            }
        }
        for (i, s) in ds.catalogShows.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.raw("{\"slug\":")
            out.string(s.slug)
            out.raw(",\"title\":")
            out.string(s.title)
            out.raw(",\"year\":")
            out.int(s.year)
            out.raw(",\"tvdb_id\":")
            out.int(s.tvdbID)
            out.raw(",\"imdb_id\":")
            out.string(s.imdbID)
            out.raw(",\"seasons\":[")
            for (j, season) in s.seasons.enumerated() {
                if j > 0 { out.byte(UInt8(ascii: ",")) }
                out.raw("{\"season\":")
                out.int(season.number)
                out.raw(",\"episodes\":")
                out.int(season.episodes)
                out.byte(UInt8(ascii: "}"))
            }
            out.raw("]}")
        }
        out.raw("],\"movies\":[")
        for (i, m) in ds.catalogMovies.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.raw("{\"slug\":")
            out.string(m.slug)
            out.raw(",\"title\":")
            out.string(m.title)
            out.raw(",\"year\":")
            out.int(m.year)
            out.raw(",\"imdb_id\":")
            out.string(m.imdbID)
            out.raw(",\"tmdb_id\":")
            out.int(m.tmdbID)
            out.byte(UInt8(ascii: "}"))
        }
        out.raw("],\"users\":[")
        if hostile {
            for payload in HostileText.payloads {
                out.raw("{\"username\":")
                out.string("justin" + payload.prefix + payload.suffix)
                out.raw(",\"protected\":false},")
            }
        }
        for (i, u) in ds.catalogUsers.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.raw("{\"username\":")
            out.string(u.username)
            out.raw(",\"protected\":")
            out.bool(u.isProtected)
            out.byte(UInt8(ascii: "}"))
        }
        out.raw("],\"types\":[\"episode\",\"show\",\"movie\",\"list\"],\"actions\":[")
        for (i, a) in ActivityAction.allCases.enumerated() {
            if i > 0 { out.byte(UInt8(ascii: ",")) }
            out.string(a.name)
        }
        out.raw("]}")
        return out.bytes
    }
}
