/// Why a run cannot start (a flag, a secret file, the config file, a trust file): printed as
/// `traktql: error: …`, with the exit status to use.
struct StartupFailure: Error {
    var message: String
    var status: ExitStatus = .usage
}
