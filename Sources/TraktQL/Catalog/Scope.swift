/// Whose stream a query reads when it names no show, movie or user.
public enum Scope: String, Sendable, Hashable, CaseIterable {
    case community, friends, friendsme, following, followers
}
