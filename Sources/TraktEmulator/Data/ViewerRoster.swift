import Foundation

/// What it takes to continue the community's viewing after the dataset's end
/// (``CommunityFeed``): the catalogue the simulation reads, each user's habits as the
/// generator fitted them, and where each user's simulation began.
struct ViewerRoster: Sendable {
    let catalogue: ViewingCatalogue
    let profiles: [ViewerProfile]
    /// Per user: the instant their simulation started from.
    let simulatedFrom: [Int64]
    /// The dataset's oldest possible instant (the simulation's floor).
    let floor: Int64
}
