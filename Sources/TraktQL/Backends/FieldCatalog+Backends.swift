extension FieldCatalog {
    /// Every backend's item fields as one catalog: for a saved file, which may hold either
    /// API's items, and for checking without a backend (tests, the fuzzer).
    public static let everyBackend = FieldCatalog(merging: [V1ItemSchema.catalog, V2ItemSchema.catalog])
}

extension SessionContext {
    /// Every backend's names for its account, for checking without a backend.
    public static let everyBackendsAccountAliases = ["me"]
}
