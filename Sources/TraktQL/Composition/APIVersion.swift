/// The Trakt API a session speaks: with a local input (``LocalBackend``), the keys of
/// ``BackendFactory``, the one place that turns them into a backend.
public enum APIVersion: String, Sendable, CaseIterable {
    /// The activity API (positional URLs, an API key in the path, "PST" timestamps).
    case v1
    /// Trakt API v2 (client id header, OAuth bearer tokens, ISO times, paged by number).
    case v2

    /// The API a session speaks unless told otherwise (`set api`, `--api`).
    public static let standard = APIVersion.v1
}
