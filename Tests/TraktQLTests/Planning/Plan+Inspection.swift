@testable import TraktQL

/// What a test looks into: a plan's calls as the backend's own type. The library never needs
/// this (a plan runs on the backend that made it, with its calls typed); a test that checks
/// which calls were planned does.
extension Plan {
    var v1: V1Plan? { backendPlan as? V1Plan }
    var v2: V2Plan? { backendPlan as? V2Plan }
    var local: LocalSource? { backendPlan as? LocalSource }
}
