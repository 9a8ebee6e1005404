import Foundation

/// The composition root: the one place that names a backend. It turns the session's
/// configuration and settings into the ``Backend`` a statement runs against: a local input
/// when one is configured, else the API the `api` setting names. What a backend keeps between
/// statements of a session (v2's rate budget) is made here, once per factory, so an engine
/// holds one factory per session and knows no backend by name.
public struct BackendFactory: Sendable {
    /// What a statement runs against.
    public enum Key: Sendable, Hashable {
        /// A saved response or export (`--input`; `-` is standard input).
        case local(path: String)
        /// A server speaking this API.
        case api(APIVersion)
        /// The local mirror of an account (`traktql sync`), when the `mirror` setting is on.
        case mirror
    }

    public let configuration: EngineConfiguration
    /// The v2 rate limit as this session has met it, shared by its statements.
    private let rateBudget = V2RateBudget()

    public init(configuration: EngineConfiguration) {
        self.configuration = configuration
    }

    /// The key for `settings`: the local input wins over the mirror, the mirror over the API.
    public func key(for settings: Settings) -> Key {
        if let input = configuration.input { return .local(path: input) }
        return settings.mirror ? .mirror : .api(settings.api)
    }

    /// The backend statements run against under `settings` (v1 and a local input read
    /// timestamps with the session's convention).
    public func backend(for settings: Settings) -> any Backend {
        switch key(for: settings) {
        case .local(let path):
            return LocalBackend(path: path, convention: settings.convention, streaming: configuration.streamingInput)
        case .api(.v1):
            return V1Backend(baseURL: configuration.apiURL, apiKey: configuration.apiKey,
                             credentials: configuration.credentials, convention: settings.convention)
        case .api(.v2):
            var backend = V2Backend(baseURL: configuration.apiURL, credentials: configuration.v2 ?? V2Credentials(clientID: ""), budget: rateBudget)
            backend.plainHTTPHosts = configuration.plainHTTPSecretHosts
            return backend
        case .mirror:
            return MirrorBackend(access: configuration.mirror ?? .unconfigured, maxAge: settings.mirrorMaxAge, clock: configuration.clock)
        }
    }

    /// A backend that only plans (no server, no credentials): the standard API's, for
    /// ``QueryCompiler`` when no backend is given (`explain` in tests, the fuzzer, benchmarks).
    public static func planning(convention: TimestampConvention) -> any Backend {
        BackendFactory(configuration: EngineConfiguration(apiURL: unreachable))
            .backend(for: { var settings = Settings(); settings.convention = convention; return settings }())
    }

    /// Where a planning-only backend points: nothing is ever sent there.
    static let unreachable = URL(string: "http://127.0.0.1:1")!
}
