import Foundation

/// Several statements' items as one stream, newest first, read only as far as the answer needs:
/// the mirror's counterpart of ``CallMerge`` with the same rule (the order a stable sort of every
/// statement's items by time would give: newest first, ties in statement order, items without a
/// time after all the others, statement by statement; each item once: statements of different
/// routes cannot share an item, so only statements of one route are de-duplicated).
///
/// A statement whose rows come newest first (``MirrorStatement/isNewestFirst``) is stepped one
/// item at a time as the merge takes from it, so `activity user:me | limit 10` steps a few rows of
/// each route, not every play; one that does not (collected shows, lists, list items) is read
/// whole and sorted first, as ``CallMerge`` reads such a call.
struct MirrorMerge {
    private(set) var streams: [MirrorItemStream]
    private let schema: V2ItemSchema
    /// Each statement's next item with a time (nil: none left), and its time.
    private var heads: [(order: Int64, item: MirrorItemStream.Item)?]
    /// Each statement's items without a time, handed over after all the others.
    private var timeless: [[MirrorItemStream.Item]]
    /// A statement read whole: its items with a time, sorted, and how many were taken.
    private var sorted: [[(order: Int64, item: MirrorItemStream.Item)]?]
    private var taken: [Int]

    init(streams: [MirrorItemStream], schema: V2ItemSchema) {
        self.streams = streams
        self.schema = schema
        heads = Array(repeating: nil, count: streams.count)
        timeless = Array(repeating: [], count: streams.count)
        sorted = Array(repeating: nil, count: streams.count)
        taken = Array(repeating: 0, count: streams.count)
    }

    /// Hands each item to `consume` in merged order until it answers false or the statements
    /// end. Returns whether `consume` stopped it.
    mutating func run(_ elements: inout MirrorElements, consume: (MirrorItemStream.Item) -> Bool) throws(TraktQLError) -> Bool {
        for index in streams.indices {
            if !streams[index].statement.isNewestFirst {
                var all: [(order: Int64, item: MirrorItemStream.Item)] = []
                while let item = try streams[index].next(&elements) {
                    if let order = order(of: item) { all.append((order, item)) } else { timeless[index].append(item) }
                }
                // Newest first, ties in the statement's order (a stable sort).
                sorted[index] = all.enumerated().sorted { ($0.element.order, -$0.offset) > ($1.element.order, -$1.offset) }.map(\.element)
            }
            try advance(index, &elements)
        }
        // Items of different routes differ in their action, part of their identity.
        let routes = streams.map(\.statement.route)
        let deduplicates = Set(routes).count < routes.count
        var seen: Set<ItemKey> = []
        func isNew(_ item: MirrorItemStream.Item) -> Bool {
            !deduplicates || seen.insert(schema.identity(of: item.value)).inserted
        }
        while true {
            var best: Int?
            for index in heads.indices {
                guard let head = heads[index] else { continue }
                guard let current = best, let newest = heads[current] else { best = index; continue }
                if head.order > newest.order { best = index }
            }
            guard let index = best, let head = heads[index] else { break }
            try advance(index, &elements)
            if isNew(head.item), !consume(head.item) { return true }
        }
        for items in timeless {
            for item in items where isNew(item) {
                if !consume(item) { return true }
            }
        }
        return false
    }

    /// Puts statement `index`'s next item with a time at its head (nil: it has none left),
    /// keeping the items without a time it passes.
    private mutating func advance(_ index: Int, _ elements: inout MirrorElements) throws(TraktQLError) {
        if let whole = sorted[index] {
            heads[index] = taken[index] < whole.count ? whole[taken[index]] : nil
            taken[index] += 1
            return
        }
        while let item = try streams[index].next(&elements) {
            if let order = order(of: item) {
                heads[index] = (order, item)
                return
            }
            timeless[index].append(item)
        }
        heads[index] = nil
    }

    private func order(of item: MirrorItemStream.Item) -> Int64? { item.order(schema) }
}
