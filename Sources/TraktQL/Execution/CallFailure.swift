/// A failed call, with the show, movie or user it was made for (the user whose history, the show
/// whose id was looked up): what lets its backend point the error at that name in the statement
/// without reading the server's message.
struct CallFailure: Error {
    var error: TraktQLError
    /// The name the call was for; nil for a call that is not about one name (a stream, `me`).
    var subject: Subject?

    /// A qualifier key and one of its values, as the call used it.
    struct Subject: Sendable, Hashable {
        var key: QualifierKey
        var name: String
    }

    init(_ error: TraktQLError, subject: Subject? = nil) {
        self.error = error
        self.subject = subject
    }

    /// The query's written name this failure is about, if the query names it.
    func named(in names: [NamedValue]) -> NamedValue? {
        guard let subject else { return nil }
        return names.first { $0.key == subject.key && $0.name == subject.name }
    }
}
