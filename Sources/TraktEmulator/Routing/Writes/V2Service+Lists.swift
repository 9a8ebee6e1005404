import Foundation

/// A user's list as every view sees it: generated (v1 `created`, changed by `PUT`) or made by a write.
struct ListInfo {
    let index: Int
    let owner: Int
    var name: String
    var slug: String
    var description: String
    var privacy: String
    var displayNumbers: Bool
    var allowComments: Bool
    var sortBy: String
    var sortHow: String
    let created: Int64
    /// Set when a write changed the list itself (the items' times count too).
    var updated: Int64?
}

/// Lists: reading them through the overlay, and `POST /users/{id}/lists`, `PUT`/`DELETE
/// /users/{id}/lists/{list}`, `POST /users/{id}/lists/{list}/items[/remove]`.
extension V2Service {
    // MARK: reading

    func listInfo(_ l: Int, _ written: [Int: WrittenList]) -> ListInfo? {
        if let w = written[l] {
            if w.deleted { return nil }
            return ListInfo(index: l, owner: w.owner, name: w.name, slug: w.slug, description: w.description, privacy: w.privacy,
                            displayNumbers: w.displayNumbers, allowComments: w.allowComments, sortBy: w.sortBy, sortHow: w.sortHow,
                            created: w.created, updated: w.updated)
        }
        guard l < dataset.lists.count else { return nil }
        let rec = dataset.lists[l]
        return ListInfo(index: l, owner: Int(rec.owner), name: dataset.hostileText ? HostileText.decorate(rec.name, index: l) : rec.name,
                        slug: rec.slug, description: rec.description, privacy: "public", displayNumbers: rec.showNumbers,
                        allowComments: rec.allowShouts, sortBy: "rank", sortHow: "asc", created: rec.created, updated: nil)
    }

    /// `u`'s lists (generated, then written), deleted ones left out.
    func ownedLists(_ u: Int, _ written: [Int: WrittenList]) -> [ListInfo] {
        var out = listsByOwner[u].compactMap { listInfo($0, written) }
        for l in written.keys.sorted() where l >= dataset.lists.count && written[l]?.owner == u {
            if let info = listInfo(l, written) { out.append(info) }
        }
        return out
    }

    /// Item-added activities of list `l`, oldest first (rank order), removed ones left out.
    func listItems(_ l: Int, owner: Int, _ w: UserWrites?) -> [Activity] {
        entries(user: owner, kinds: [Kind(.list, .itemAdded)!], writes: w).reversed().map(\.a).filter { Int($0.subject) == l }
    }

    /// The list object; `comments` is its `comment_count` (comments written on it).
    func writeList(_ info: ListInfo, _ items: [Activity], comments: Int = 0, _ out: inout JSONBytes) {
        out.raw("{\"name\":")
        out.string(info.name)
        out.raw(",\"description\":")
        out.string(info.description)
        out.raw(",\"privacy\":")
        out.string(info.privacy)
        out.raw(",\"share_link\":")
        out.string("https://trakt.tv/lists/\(V2IDs.list(info.index))")
        out.raw(",\"type\":\"personal\",\"display_numbers\":")
        out.bool(info.displayNumbers)
        out.raw(",\"allow_comments\":")
        out.bool(info.allowComments)
        out.raw(",\"sort_by\":")
        out.string(info.sortBy)
        out.raw(",\"sort_how\":")
        out.string(info.sortHow)
        out.raw(",\"created_at\":")
        ISOTime.write(info.created, into: &out)
        out.raw(",\"updated_at\":")
        ISOTime.write(max(items.last?.time ?? info.created, info.updated ?? info.created), into: &out)
        out.raw(",\"item_count\":")
        out.int(items.count)
        out.raw(",\"comment_count\":")
        out.int(comments)
        out.raw(",\"likes\":0,\"ids\":{\"trakt\":")
        out.int(V2IDs.list(info.index))
        out.raw(",\"slug\":")
        out.string(info.slug)
        out.raw("},\"user\":")
        writeUser(info.owner, false, &out)
        out.byte(UInt8(ascii: "}"))
    }

    /// The list `key` (trakt id or slug) among `u`'s.
    func findList(_ u: Int, _ key: String, _ written: [Int: WrittenList]) -> ListInfo? {
        ownedLists(u, written).first { String(V2IDs.list($0.index)) == key || $0.slug == key.lowercased() }
    }

    func lists(_ u: Int, _ rest: [String], _ c: V2Call) throws(V2Error) -> EmulatorResponse {
        let (written, comments) = overlay.withState { ($0.lists, $0.attachedComments) }
        func commentCount(_ l: Int) -> Int { comments.isEmpty ? 0 : comments.values.filter { $0.target == .list(l) }.count }
        let w = writes(u)
        if rest.isEmpty {
            var out = JSONBytes()
            out.byte(UInt8(ascii: "["))
            for (n, info) in ownedLists(u, written).enumerated() {
                if n > 0 { out.byte(UInt8(ascii: ",")) }
                writeList(info, listItems(info.index, owner: u, w), comments: commentCount(info.index), &out)
            }
            out.byte(UInt8(ascii: "]"))
            return Self.ok(out)
        }
        let key = rest[0]
        guard let info = findList(u, key, written) else { throw V2Error.notFound("list '\(key)' not found") }
        if rest[1...].first == "comments" {
            // `/users/{id}/lists/{list}/comments[/{sort}]`: the comments written on it.
            guard rest.count <= 3 else { throw V2Error.notFound("unknown list route") }
            let rows = overlay.withState { $0.attachedComments(on: .list(info.index)) }.map(CommentRow.attached)
            return try sortedRows(rows, rest.count == 3 ? rest[2] : nil, c)
        }
        let all = listItems(info.index, owner: u, w)
        if rest.count == 1 {
            var out = JSONBytes()
            writeList(info, all, comments: commentCount(info.index), &out)
            return Self.ok(out)
        }
        guard rest[1] == "items", rest.count <= 3 else { throw V2Error.notFound("unknown list route") }
        var wanted: Set<Int> = [0, 1, 2]
        if rest.count == 3 {
            switch rest[2] {
            case "movie", "movies": wanted = [0]
            case "show", "shows": wanted = [1]
            case "episode", "episodes": wanted = [2]
            case "season", "seasons", "person", "people": wanted = []
            default:
                let parts = rest[2].split(separator: ",")
                wanted = Set(parts.compactMap { ["movie": 0, "show": 1, "episode": 2][String($0)] })
            }
        }
        let items = all.enumerated().filter { wanted.contains(ListItemCode.decode($0.element.item).type) }
        let paging = Paging(c.query, defaultLimit: 10, optional: true)
        let full = c.extendedFull
        var out = JSONBytes()
        out.byte(UInt8(ascii: "["))
        for (n, pair) in items[paging.window(total: items.count)].enumerated() {
            if n > 0 { out.byte(UInt8(ascii: ",")) }
            let a = pair.element
            out.raw("{\"rank\":")
            out.int(pair.offset + 1)
            out.raw(",\"id\":")
            out.int(V2IDs.entry(a))
            out.raw(",\"listed_at\":")
            ISOTime.write(a.time, into: &out)
            out.raw(",\"notes\":null,")
            let (type, index) = ListItemCode.decode(a.item)
            switch type {
            case 0:
                out.raw("\"type\":\"movie\",\"movie\":")
                writeMovie(index, full, &out)
            case 1:
                out.raw("\"type\":\"show\",\"show\":")
                writeShow(index, full, &out)
            default:
                out.raw("\"type\":\"episode\",\"episode\":")
                writeEpisode(index, full, &out)
                out.raw(",\"show\":")
                writeShow(Int(dataset.episodes[index].show), full, &out)
            }
            out.byte(UInt8(ascii: "}"))
        }
        out.byte(UInt8(ascii: "]"))
        return Self.ok(out, headers: paging.headers(total: items.count))
    }

    /// The v1 `list` object of a written or changed list (full and minimal), as ``Fragments`` has them.
    func v1ListJSON(_ info: ListInfo) -> (full: [UInt8], min: [UInt8]) {
        var full = JSONBytes()
        full.raw("{\"name\":")
        full.string(info.name)
        full.raw(",\"slug\":")
        full.string(info.slug)
        full.raw(",\"url\":")
        full.string("\(Fragments.site)/user/\(dataset.users[info.owner].username)/lists/\(info.slug)")
        full.raw(",\"description\":")
        full.string(info.description)
        full.raw(",\"privacy\":")
        full.string(info.privacy)
        full.raw(",\"show_numbers\":")
        full.bool(info.displayNumbers)
        full.raw(",\"allow_shouts\":")
        full.bool(info.allowComments)
        full.byte(UInt8(ascii: "}"))
        var min = JSONBytes()
        min.raw("{\"slug\":")
        min.string(info.slug)
        min.byte(UInt8(ascii: "}"))
        return (full.bytes, min.bytes)
    }

    // MARK: writing

    /// The list limits of `u` (as `/users/settings` states them): lists, items per list.
    func listLimits(_ u: Int) -> (lists: Int, items: Int) {
        dataset.users[u].vip ? (1000, 5000) : (2, 100)
    }

    static func accountLimit(_ limit: Int, _ what: String) -> V2Error {
        var e = V2Error(status: 420, code: "account_limit_exceeded", message: "account limit exceeded: at most \(limit) \(what) without VIP")
        e.headers["X-Upgrade-URL"] = "https://trakt.tv/vip"
        e.headers["X-VIP-User"] = "false"
        e.headers["X-Account-Limit"] = String(limit)
        return e
    }

    static let privacies: Set<String> = ["private", "link", "friends", "public"]

    /// Reads the list fields a create or update sends; 422 names the first bad one.
    func listFields(_ o: [String: Any], into info: inout ListInfo, requireName: Bool) throws(V2Error) {
        if let v = o["name"], !(v is NSNull) {
            guard let name = v as? String, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw V2Error.unprocessable("name must be a non-empty string")
            }
            info.name = name
        } else if requireName {
            throw V2Error.unprocessable("name is required")
        }
        if let v = o["description"], !(v is NSNull) {
            guard let d = v as? String else { throw V2Error.unprocessable("description must be a string") }
            info.description = d
        }
        if let v = o["privacy"], !(v is NSNull) {
            guard let p = v as? String, Self.privacies.contains(p) else {
                throw V2Error.unprocessable("privacy must be private, link, friends or public")
            }
            info.privacy = p
        }
        for (key, path) in [("display_numbers", \ListInfo.displayNumbers), ("allow_comments", \ListInfo.allowComments)] {
            if let v = o[key], !(v is NSNull) {
                guard let b = v as? Bool else { throw V2Error.unprocessable("\(key) must be true or false") }
                info[keyPath: path] = b
            }
        }
        if let v = o["sort_by"] as? String { info.sortBy = v }
        if let v = o["sort_how"] as? String {
            guard v == "asc" || v == "desc" else { throw V2Error.unprocessable("sort_how must be asc or desc") }
            info.sortHow = v
        }
    }

    static func written(_ info: ListInfo, deleted: Bool = false) -> WrittenList {
        WrittenList(index: info.index, owner: info.owner, name: info.name, slug: info.slug, description: info.description,
                    privacy: info.privacy, displayNumbers: info.displayNumbers, allowComments: info.allowComments, sortBy: info.sortBy,
                    sortHow: info.sortHow, created: info.created, updated: info.updated ?? info.created, deleted: deleted)
    }

    func listCreate(_ body: WriteBody, _ ctx: WriteContext, _ state: inout OverlayState) throws(V2Error) -> EmulatorResponse {
        let u = ctx.user
        let owned = ownedLists(u, state.lists)
        let limits = listLimits(u)
        guard owned.count < limits.lists else { throw Self.accountLimit(limits.lists, "lists") }
        var info = ListInfo(index: -1, owner: u, name: "", slug: "", description: "", privacy: "private", displayNumbers: false,
                            allowComments: true, sortBy: "rank", sortHow: "asc", created: ctx.second, updated: ctx.second)
        try listFields(body.object, into: &info, requireName: true)
        var slug = Self.slug(info.name)
        if slug.isEmpty { slug = "list" }
        let taken = Set(owned.map(\.slug))
        var candidate = slug
        var n = 2
        while taken.contains(candidate) {
            candidate = "\(slug)-\(n)"
            n += 1
        }
        info.slug = candidate
        let index = state.listIndex()
        info = ListInfo(index: index, owner: u, name: info.name, slug: info.slug, description: info.description, privacy: info.privacy,
                        displayNumbers: info.displayNumbers, allowComments: info.allowComments, sortBy: info.sortBy, sortHow: info.sortHow,
                        created: ctx.second, updated: ctx.second)
        state.lists[index] = Self.written(info)
        state.add(Activity(time: ctx.second, id: 0, user: UInt32(u), subject: UInt32(index), item: 0, extra: 0, kind: Kind(.list, .created)!))
        state.move([.listsUpdated], of: u, to: ctx.stampMillis)
        var out = JSONBytes()
        writeList(info, [], &out)
        return Self.ok(out, status: 201)
    }

    func list(_ body: WriteBody, _ u: Int, _ state: OverlayState) throws(V2Error) -> ListInfo {
        let key = (body.object["list"] as? String) ?? WriteBody.int(body.object["list"]).map(String.init) ?? ""
        guard let info = findList(u, key, state.lists) else { throw V2Error.notFound("list '\(key)' not found") }
        return info
    }

    func listUpdate(_ body: WriteBody, _ ctx: WriteContext, _ state: inout OverlayState) throws(V2Error) -> EmulatorResponse {
        let u = ctx.user
        var info = try list(body, u, state)
        var fields = body.object
        fields.removeValue(forKey: "list")
        try listFields(fields, into: &info, requireName: false)
        info.updated = ctx.second
        state.lists[info.index] = Self.written(info)
        state.move([.listsUpdated], of: u, to: ctx.stampMillis)
        var out = JSONBytes()
        writeList(info, listItems(info.index, owner: u, state.users[u]), comments: state.attachedComments(on: .list(info.index)).count, &out)
        return Self.ok(out)
    }

    func listDelete(_ body: WriteBody, _ ctx: WriteContext, _ state: inout OverlayState) throws(V2Error) -> EmulatorResponse {
        let u = ctx.user
        let info = try list(body, u, state)
        state.lists[info.index] = Self.written(info, deleted: true)
        state.cut(.list, .list(info.index), of: u)
        state.move([.listsUpdated], of: u, to: ctx.stampMillis)
        return EmulatorResponse(status: 204)
    }

    func listItemsChange(_ body: WriteBody, _ ctx: WriteContext, _ state: inout OverlayState, add: Bool) throws(V2Error) -> EmulatorResponse {
        let u = ctx.user
        let info = try list(body, u, state)
        var items = try SyncItems(body, lookup, mode: .items, now: ctx.second)
        // Seasons and people are not list items the dataset can hold: reported as not found.
        for season in items.seasons { items.notFound.seasons.append(SyncItems.echo(season.chain[0])) }
        let current = listItems(info.index, owner: u, state.users[u])
        var codes = Set(current.map(\.item))
        let limit = listLimits(u).items
        var changed = TypeCounts()
        var existing = TypeCounts()
        var requested: [(UInt32, WritableKeyPath<TypeCounts, Int>)] = []
        requested += items.movies.map { (ListItemCode.movie($0.index), \.movies) }
        requested += items.shows.map { (ListItemCode.show($0.index), \.shows) }
        requested += items.episodes.map { (ListItemCode.episode($0.index), \.episodes) }
        if add {
            let fresh = Set(requested.map(\.0)).subtracting(codes).count
            guard codes.count + fresh <= limit else { throw Self.accountLimit(limit, "items per list") }
        }
        for (code, count) in requested {
            if add {
                guard codes.insert(code).inserted else {
                    existing[keyPath: count] += 1
                    continue
                }
                state.add(Activity(time: ctx.second, id: 0, user: UInt32(u), subject: UInt32(info.index), item: code, extra: 0,
                                   kind: Kind(.list, .itemAdded)!))
                changed[keyPath: count] += 1
            } else {
                guard codes.remove(code) != nil else { continue }
                state.touch(u)
                let o = state.ordinal()
                state.users[u, default: UserWrites()].cuts[CutKey(section: .list, item: .listItem(info.index, code))] = o
                changed[keyPath: count] += 1
            }
        }
        if changed.movies + changed.shows + changed.episodes > 0 { state.move([.listsUpdated], of: u, to: ctx.stampMillis) }
        let after = listItems(info.index, owner: u, state.users[u])
        var out = JSONBytes()
        out.raw(add ? "{\"added\":" : "{\"deleted\":")
        Self.writeListCounts(changed, &out)
        if add {
            out.raw(",\"existing\":")
            Self.writeListCounts(existing, &out)
        }
        out.raw(",\"not_found\":")
        items.notFound.write(&out, ids: false, people: true)
        out.raw(",\"list\":{\"updated_at\":")
        ISOTime.write(max(after.last?.time ?? info.created, info.updated ?? info.created), into: &out)
        out.raw(",\"item_count\":")
        out.int(after.count)
        out.raw("}}")
        return Self.ok(out, status: add ? 201 : 200)
    }

    /// A list slug: lowercase ASCII letters and digits, other runs as one dash.
    static func slug(_ s: String) -> String {
        var out = ""
        var dash = false
        for c in s.lowercased().unicodeScalars {
            if c.isASCII && CharacterSet.alphanumerics.contains(c) {
                out.unicodeScalars.append(c)
                dash = false
            } else if !dash && !out.isEmpty {
                out.append("-")
                dash = true
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }

    static func writeListCounts(_ c: TypeCounts, _ out: inout JSONBytes) {
        out.text("{\"movies\":\(c.movies),\"shows\":\(c.shows),\"seasons\":\(c.seasons),\"episodes\":\(c.episodes),\"people\":0}")
    }
}
