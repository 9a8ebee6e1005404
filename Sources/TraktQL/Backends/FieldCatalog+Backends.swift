extension FieldCatalog {
    /// Every backend's item fields as one catalog: for a saved file, which may hold either
    /// API's items, and for checking without a backend (tests, the fuzzer).
    public static let everyBackend = FieldCatalog(merging: [V1ItemSchema.catalog, V2ItemSchema.catalog])
}
