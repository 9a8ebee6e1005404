/// The Trakt API a session speaks: with a local input (``LocalBackend``), the keys of
/// ``BackendFactory``, the one place that turns them into a backend.
public enum APIVersion: String, Sendable, CaseIterable {
    /// The activity API (positional URLs, an API key in the path, "PST" timestamps).
    case v1
    /// Trakt API v2 (client id header, OAuth bearer tokens, ISO times, paged by number).
    case v2

    /// The API a session speaks unless told otherwise (`set api`, `--api`).
    public static let standard = APIVersion.v1

    /// Its name for a user (the built-in emulator's banner): `Trakt API v1`.
    public var title: String {
        switch self {
        case .v1: "Trakt API v1"
        case .v2: "Trakt API v2"
        }
    }

    /// Whether a session logs in to an account that `user:me` stands for (v2's OAuth token;
    /// v1 names every user by username).
    public var logsInToAnAccount: Bool { self == .v2 }

    /// What a user of the built-in emulator speaking this API may try next (a flag, in words).
    public var nextStepFromTheEmulator: String {
        switch self {
        case .v1: "--api v2 for v2"
        case .v2: "--client-id for your Trakt account"
        }
    }
}
