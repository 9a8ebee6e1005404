import ArgumentParser
import Foundation
import TraktQLShell

/// The options that say where traktql connects and as which app: the same for queries and for
/// `traktql auth login|status|logout`, so that both reach the same server the same way.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "API server URL, http:// or https:// (env TRAKT_API_URL). Without one, the built-in emulator runs (v2 with a client id: https://api.trakt.tv).")
    var apiURL: String?

    @Option(name: .customLong("cacert"), help: ArgumentHelp("Also trust the certificate authorities in this PEM FILE for https:// (besides the system's and SSL_CERT_FILE's). Proxies: HTTPS_PROXY, HTTP_PROXY, NO_PROXY.", valueName: "FILE"))
    var caCertificateFile: String?

    @Option(help: ArgumentHelp("Which Trakt API: v1 (the activity API) or v2 (env TRAKT_API, config 'api'). Default: v2 when a client id is configured, else v1.", valueName: "v1|v2"))
    var api: String?

    @Option(name: .customLong("client-id"), help: "Your Trakt v2 app's client id (env TRAKT_CLIENT_ID); with one, the default is v2 at https://api.trakt.tv.")
    var clientID: String?

    @Option(name: .customLong("client-secret"), help: "Your Trakt v2 app's client secret (env TRAKT_CLIENT_SECRET). Never printed; prefer the environment or the config file.")
    var clientSecret: String?

    @Option(name: .customLong("access-token"), help: "A Trakt v2 OAuth access token to use as it is, instead of the saved login (env TRAKT_ACCESS_TOKEN). Never printed; prefer the environment.")
    var accessToken: String?

    func validate() throws {
        if let apiURL, URL(string: apiURL) == nil { throw ValidationError("--api-url is not a URL") }
        if let api, !["v1", "v2", "mirror"].contains(api.lowercased()) { throw ValidationError("--api must be v1, v2 or mirror") }
    }

    /// Fills the connection part of `configuration` from these flags, then the environment
    /// (the config file comes later, in ``ShellConfiguration``).
    func apply(to configuration: inout ShellConfiguration, environment: [String: String]) {
        func env(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        configuration.apiURL = (apiURL ?? env("TRAKT_API_URL")).flatMap(URL.init(string:))
        configuration.caCertificateFile = caCertificateFile
        configuration.api = api ?? env("TRAKT_API")
        configuration.clientID = clientID ?? env("TRAKT_CLIENT_ID")
        configuration.clientSecret = clientSecret ?? env("TRAKT_CLIENT_SECRET")
        configuration.accessToken = accessToken ?? env("TRAKT_ACCESS_TOKEN")
        configuration.accessTokenOrigin = accessToken != nil ? "--access-token" : configuration.accessToken != nil ? "TRAKT_ACCESS_TOKEN" : nil
        configuration.secretsOnCommandLine += (clientSecret != nil ? ["--client-secret"] : []) + (accessToken != nil ? ["--access-token"] : [])
    }
}
