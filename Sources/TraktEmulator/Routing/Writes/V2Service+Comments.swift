import Foundation

/// `POST /comments`, `PUT /comments/{id}`, `DELETE /comments/{id}`: shouts and reviews (v1
/// `shout`/`review` activity) on movies, shows and episodes; on seasons and lists see
/// `V2Service+AttachedComments.swift`.
extension V2Service {
    /// Trakt's rules: at least 5 words; 200 words or more make a review.
    static let minimumWords = 5
    static let reviewWords = 200

    static func words(_ text: String) -> Int {
        text.split(whereSeparator: { $0.isWhitespace }).count
    }

    /// The text and spoiler flag of a create or update; 422 when the text is missing or short.
    func commentFields(_ o: [String: Any], required: Bool, current: (String, Bool)?) throws(V2Error) -> (text: String, spoiler: Bool) {
        var text = current?.0
        if let v = o["comment"], !(v is NSNull) {
            guard let s = v as? String else { throw V2Error.unprocessable("comment must be a string") }
            text = s
        }
        guard let text, !(required && o["comment"] == nil) else { throw V2Error.unprocessable("comment is required") }
        guard Self.words(text) >= Self.minimumWords else {
            throw V2Error.unprocessable("comment must be at least \(Self.minimumWords) words (it has \(Self.words(text)))")
        }
        var spoiler = current?.1 ?? false
        if let v = o["spoiler"], !(v is NSNull) {
            guard let b = v as? Bool else { throw V2Error.unprocessable("spoiler must be true or false") }
            spoiler = b
        }
        return (text, spoiler)
    }

    func commentAdd(_ body: WriteBody, _ ctx: WriteContext, _ state: inout OverlayState) throws(V2Error) -> EmulatorResponse {
        let o = body.object
        if o["season"] != nil || o["list"] != nil { return try attachedCommentAdd(o, ctx, &state) }
        let (text, spoiler) = try commentFields(o, required: true, current: nil)
        let u = ctx.user
        let action: ActivityAction = Self.words(text) >= Self.reviewWords ? .review : .shout
        let a: Activity
        let section: LastActivitySection
        if o["movie"] != nil || o["episode"] != nil {
            let item = try playItem(body)
            a = activity(item, action, user: u, time: ctx.second)
            section = item.isMovie ? .moviesCommented : .episodesCommented
        } else if let show = o["show"] as? [String: Any] {
            guard let s = lookup.show(show) else { throw V2Error.notFound("show not found: \(String(decoding: SyncItems.echo(show), as: UTF8.self))") }
            a = Activity(time: ctx.second, id: 0, user: UInt32(u), subject: UInt32(s), item: 0, extra: 0, kind: Kind(.show, action)!)
            section = .showsCommented
        } else {
            throw V2Error.unprocessable("the body must name a movie, show or episode to comment on")
        }
        var flagged = a
        flagged.extra = spoiler ? 1 : 0
        let written = state.add(flagged)
        let comment = WrittenComment(user: u, text: text, spoiler: spoiler, updated: ctx.second)
        state.comments[PageRenderer.commentID(written.activity)] = comment
        state.move([section], of: u, to: ctx.stampMillis)
        var out = JSONBytes()
        writeComment(written.activity, bare: true, false, &out, written: comment)
        return Self.ok(out, status: 201)
    }

    /// The comment activity with comment id `id` (written or generated), or nil.
    func commentActivity(_ id: Int64, _ state: OverlayState) -> (Activity, UInt32)? {
        let rest = id - 5_000_000
        guard rest >= 0 else { return nil }
        let type = Int(rest % 4)
        let activityID = rest / 4
        guard let t = ActivityType(rawValue: UInt8(type)), t != .list, let aid = UInt32(exactly: activityID) else { return nil }
        let kinds = [Kind(t, .shout)!, Kind(t, .review)!]
        if aid > WriteOverlay.writtenIDBase {
            return state.timelineNewestFirst(maxTime: nil).first { $0.activity.id == aid && kinds.contains($0.activity.kind) }.map { ($0.activity, $0.ordinal) }
        }
        let g = dataset.index.global
        for k in kinds {
            for i in g.range(key: 0, kind: k) where dataset.activities[Int(g.items[i])].id == aid {
                return (dataset.activities[Int(g.items[i])], 0)
            }
        }
        return nil
    }

    /// The comment named in the body (`"id"`, from the path): 404 unknown or deleted, 403 another user's.
    func ownComment(_ body: WriteBody, _ u: Int, _ state: OverlayState) throws(V2Error) -> (Int64, Activity) {
        guard let n = WriteBody.int(body.object["id"]), let (a, ordinal) = commentActivity(Int64(n), state) else {
            throw V2Error.notFound("comment \(String(describing: body.object["id"] ?? "")) not found")
        }
        let owner = Int(a.user)
        let mask = state.users[owner]?.mask(a, ordinal: ordinal) ?? 1
        guard mask != 0 else { throw V2Error.notFound("comment \(n) not found") }
        guard owner == u else { throw V2Error(status: 403, code: "forbidden", message: "a user changes only their own comments") }
        return (Int64(n), a)
    }

    static func commentSection(_ a: Activity) -> LastActivitySection {
        switch a.kind.type {
        case .movie: .moviesCommented
        case .show: .showsCommented
        default: .episodesCommented
        }
    }

    func commentUpdate(_ body: WriteBody, _ ctx: WriteContext, _ state: inout OverlayState) throws(V2Error) -> EmulatorResponse {
        if let id = Self.attachedID(body) { return try attachedCommentUpdate(id, body, ctx, &state) }
        let u = ctx.user
        let (id, a) = try ownComment(body, u, state)
        let title = a.kind.type == .movie ? dataset.movies[Int(a.subject)].seed.title : dataset.shows[Int(a.subject)].seed.title
        let current = state.comments[id].map { ($0.text, $0.spoiler) } ?? (PageRenderer.commentText(a, title: title), a.extra & 1 == 1)
        var fields = body.object
        fields.removeValue(forKey: "id")
        let (text, spoiler) = try commentFields(fields, required: false, current: current)
        let comment = WrittenComment(user: u, text: text, spoiler: spoiler, updated: ctx.second)
        state.touch(u)
        state.comments[id] = comment
        state.move([Self.commentSection(a)], of: u, to: ctx.stampMillis)
        var out = JSONBytes()
        writeComment(a, bare: true, false, &out, written: comment)
        return Self.ok(out)
    }

    func commentDelete(_ body: WriteBody, _ ctx: WriteContext, _ state: inout OverlayState) throws(V2Error) -> EmulatorResponse {
        if let id = Self.attachedID(body) { return try attachedCommentDelete(id, ctx, &state) }
        let u = ctx.user
        let (id, a) = try ownComment(body, u, state)
        state.cut(.comment, .comment(id), of: u)
        state.comments.removeValue(forKey: id)
        state.move([Self.commentSection(a)], of: u, to: ctx.stampMillis)
        return EmulatorResponse(status: 204)
    }
}
