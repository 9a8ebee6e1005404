import Foundation

/// One comment of a page: a shout or review (v1 activity, generated or written), or a comment
/// on a season or list (``AttachedComment``, v2 only).
enum CommentRow {
    case activity(Activity)
    case attached(AttachedComment)

    var time: Int64 {
        switch self {
        case .activity(let a): a.time
        case .attached(let x): x.created
        }
    }
}
