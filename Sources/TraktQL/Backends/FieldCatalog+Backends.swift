extension FieldCatalog {
    /// Every backend's item fields as one catalog: for a saved file, which may hold either
    /// API's items, and for checking without a backend (tests, the fuzzer).
    public static let everyBackend = FieldCatalog(itemFields: everyBackendItemFields)

    /// ``everyBackend``'s item fields, without building a catalog: what ``ItemNormalizer``
    /// reads at every start (v1's catalog and the merged one are built only when a statement
    /// checks names against them).
    static let everyBackendItemFields = merged([V1ItemSchema.itemFields, V2ItemSchema.itemFields])
}

extension SessionContext {
    /// Every backend's names for its account, for checking without a backend.
    public static let everyBackendsAccountAliases = ["me"]
}
