import Foundation

/// How an ``Engine`` reaches the API and starts its session.
public struct EngineConfiguration: Sendable {
    /// The server, e.g. `http://127.0.0.1:8080` or `http://api.trakt.tv`.
    public var apiURL: URL
    /// The key placed in every call's path; never printed.
    public var apiKey: String
    /// HTTP Basic credentials (username and the SHA-1 of the password), for the auth-only streams.
    public var credentials: BasicCredentials?
    public var settings: Settings
    /// "Now", read once per statement; tests pin it.
    public var clock: @Sendable () -> Date
    /// How calls reach the server. The engine library has no HTTP client of its own: pass
    /// `CurlTransport.retrying(for:)` from the `TraktQLCurl` library (http and https, proxies,
    /// retries per ``retryPolicy``), or any ``HTTPTransport``. `nil`: ``UnconfiguredTransport``,
    /// whose every call fails with that reason.
    public var transport: (any HTTPTransport)?
    public var retryPolicy: RetryPolicy
    /// Told before each retry (a 429's `Retry-After` wait, a 503, a network error): the shell
    /// shows waits longer than a second on stderr.
    public var onRetry: (@Sendable (RetryingTransport.RetryEvent) -> Void)?
    public var maximumConcurrentCalls: Int
    public var connectTimeout: TimeInterval
    public var requestTimeout: TimeInterval
    /// Paging progress lines.
    public var progress: (@Sendable (String) -> Void)?
    /// A saved response (envelope, array or NDJSON) to query instead of the API; `-` is
    /// standard input. See ``LocalSource``.
    public var input: String?
    /// Read `input` streamed and projected (the default) or whole, with the plain decoder.
    public var streamingInput = true
    /// The local mirror statements read when the `mirror` setting is on (`TraktQLMirror`
    /// opens it: ``MirrorAccess``).
    public var mirror: MirrorAccess?
    /// Check the shows, movies and users a query names against the server's catalog
    /// (``ServerCatalog``) before calling, when the server has one.
    public var checksNamesWithServerCatalog = true
    /// What errors must never show: by default the API key and the credentials. A caller that
    /// knows more (the password itself, tokens) passes its own.
    public var redactor: Redactor
    /// The v2 app and login (used when `settings.api` is v2). Setting it adds the client
    /// secret and a static token to the ``redactor``.
    /// Hosts besides loopback that may receive the v2 token over plain http: only a host the
    /// caller's transport maps to this machine (the shell's embedded emulator).
    public var plainHTTPSecretHosts: Set<String> = []
    public var v2: V2Credentials? {
        didSet {
            if let secret = v2?.clientSecret { redactor.add(secret, label: "<client-secret>") }
            if let token = (v2?.bearer as? StaticBearerToken)?.token { redactor.add(token, label: "<token>") }
        }
    }

    public init(
        apiURL: URL,
        apiKey: String = "",
        credentials: BasicCredentials? = nil,
        settings: Settings = Settings(),
        clock: @escaping @Sendable () -> Date = { Date() },
        transport: (any HTTPTransport)? = nil,
        retryPolicy: RetryPolicy = RetryPolicy(),
        maximumConcurrentCalls: Int = 4,
        connectTimeout: TimeInterval = 5,
        requestTimeout: TimeInterval = 20,
        progress: (@Sendable (String) -> Void)? = nil,
        input: String? = nil
    ) {
        self.apiURL = apiURL
        self.apiKey = apiKey
        self.credentials = credentials
        self.settings = settings
        self.clock = clock
        self.transport = transport
        self.retryPolicy = retryPolicy
        self.maximumConcurrentCalls = maximumConcurrentCalls
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.progress = progress
        self.input = input
        self.redactor = Redactor(apiKey: apiKey.isEmpty ? nil : apiKey, credentials: credentials)
    }
}
