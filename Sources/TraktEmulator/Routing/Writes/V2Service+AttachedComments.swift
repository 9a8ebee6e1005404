import Foundation

/// Comments on seasons and lists (`POST /comments` with `season` or `list`): v2 only, kept in
/// the overlay as ``AttachedComment``s, and shown in the season's and the list's comments, the
/// user's comments, the list's `comment_count`, stats and `/sync/last_activities`.
extension V2Service {
    /// The attached comment id named in a `PUT`/`DELETE /comments/{id}` body, if it is one.
    static func attachedID(_ body: WriteBody) -> Int64? {
        guard let n = WriteBody.int(body.object["id"]), Int64(n) > AttachedComment.idBase else { return nil }
        return Int64(n)
    }

    func attachedCommentAdd(_ o: [String: Any], _ ctx: WriteContext, _ state: inout OverlayState) throws(V2Error) -> EmulatorResponse {
        let target: AttachedComment.Target
        if let value = o["season"] {
            guard let season = value as? [String: Any] else { throw V2Error.unprocessable("'season' must be an object with ids") }
            guard let g = lookup.season(season) else {
                throw V2Error.notFound("season not found: \(String(decoding: SyncItems.echo(season), as: UTF8.self))")
            }
            target = .season(g)
        } else {
            guard let list = o["list"] as? [String: Any] else { throw V2Error.unprocessable("'list' must be an object with ids") }
            let ids = list["ids"] as? [String: Any]
            // A list by its trakt id; another user's private list is not found.
            guard let trakt = WriteBody.int(ids?["trakt"]), trakt >= 1, let info = listInfo(trakt - 1, state.lists),
                  info.privacy != "private" || info.owner == ctx.user
            else { throw V2Error.notFound("list not found: \(String(decoding: SyncItems.echo(list), as: UTF8.self))") }
            guard info.allowComments else { throw V2Error.unprocessable("the list '\(info.slug)' takes no comments (allow_comments is false)") }
            target = .list(info.index)
        }
        let (text, spoiler) = try commentFields(o, required: true, current: nil)
        let comment = AttachedComment(id: state.attachedCommentID(), user: ctx.user, target: target, text: text, spoiler: spoiler,
                                      created: ctx.second, updated: ctx.second, ordinal: state.ordinal())
        state.attachedComments[comment.id] = comment
        state.move([comment.section], of: ctx.user, to: ctx.stampMillis)
        var out = JSONBytes()
        writeAttachedComment(comment, bare: true, false, state, &out)
        return Self.ok(out, status: 201)
    }

    /// The writer's own attached comment `id`: 404 unknown or deleted, 403 another user's.
    func ownAttachedComment(_ id: Int64, _ u: Int, _ state: OverlayState) throws(V2Error) -> AttachedComment {
        guard let comment = state.attachedComments[id] else { throw V2Error.notFound("comment \(id) not found") }
        guard comment.user == u else { throw V2Error(status: 403, code: "forbidden", message: "a user changes only their own comments") }
        return comment
    }

    func attachedCommentUpdate(_ id: Int64, _ body: WriteBody, _ ctx: WriteContext, _ state: inout OverlayState) throws(V2Error) -> EmulatorResponse {
        var comment = try ownAttachedComment(id, ctx.user, state)
        var fields = body.object
        fields.removeValue(forKey: "id")
        (comment.text, comment.spoiler) = try commentFields(fields, required: false, current: (comment.text, comment.spoiler))
        comment.updated = ctx.second
        state.attachedComments[id] = comment
        state.move([comment.section], of: ctx.user, to: ctx.stampMillis)
        var out = JSONBytes()
        writeAttachedComment(comment, bare: true, false, state, &out)
        return Self.ok(out)
    }

    func attachedCommentDelete(_ id: Int64, _ ctx: WriteContext, _ state: inout OverlayState) throws(V2Error) -> EmulatorResponse {
        let comment = try ownAttachedComment(id, ctx.user, state)
        state.attachedComments.removeValue(forKey: id)
        state.move([comment.section], of: ctx.user, to: ctx.stampMillis)
        return EmulatorResponse(status: 204)
    }

    /// The comment object, or (not `bare`) `{type: season|list, comment, season+show | list}`.
    func writeAttachedComment(_ comment: AttachedComment, bare: Bool, _ full: Bool, _ state: OverlayState, _ out: inout JSONBytes) {
        if !bare {
            out.raw(comment.target.isSeason ? "{\"type\":\"season\",\"comment\":" : "{\"type\":\"list\",\"comment\":")
        }
        writeCommentObject(id: comment.id, created: comment.created, updated: comment.updated, text: comment.text, spoiler: comment.spoiler,
                           review: comment.isReview, user: comment.user, &out)
        guard !bare else { return }
        switch comment.target {
        case .season(let g):
            out.raw(",\"season\":")
            fragments.write((full ? fragments.seasonFull : fragments.seasonMin) + g, into: &out)
            out.raw(",\"show\":")
            writeShow(dataset.seasons[g].show, full, &out)
        case .list(let l):
            out.raw(",\"list\":")
            if let info = listInfo(l, state.lists) {
                writeList(info, listItems(l, owner: info.owner, state.users[info.owner]), comments: state.attachedComments(on: .list(l)).count, &out)
            } else {
                out.raw("null")
            }
        }
        out.byte(UInt8(ascii: "}"))
    }
}

extension AttachedComment.Target {
    var isSeason: Bool {
        if case .season = self { return true }
        return false
    }
}
