extension PathAccumulator {
    init(_ statistics: PathStatistics) {
        present = statistics.present
        for (kind, count) in statistics.kinds { kindCounts[kind.ordinal] = count }
        distinct = statistics.distinct
        minimumNumber = statistics.minimumNumber
        maximumNumber = statistics.maximumNumber
        minimumLength = statistics.minimumLength
        maximumLength = statistics.maximumLength
        totalLength = statistics.totalLength
        for (format, count) in statistics.formats { formatCounts[format.ordinal] = count }
        minimumElements = statistics.minimumElements
        maximumElements = statistics.maximumElements
        totalElements = statistics.totalElements
        totalMembers = statistics.totalMembers
        dataLikeKeys = statistics.dataLikeKeys
        distinctKeys = statistics.distinctKeys
        isMap = statistics.isMap
    }

    /// The public shape; kinds and formats never seen are left out of the dictionaries.
    var statistics: PathStatistics {
        var statistics = PathStatistics()
        statistics.present = present
        for kind in ValueKind.allCases where kindCounts[kind.ordinal] != 0 {
            statistics.kinds[kind] = kindCounts[kind.ordinal]
        }
        statistics.distinct = distinct
        statistics.minimumNumber = minimumNumber
        statistics.maximumNumber = maximumNumber
        statistics.minimumLength = minimumLength
        statistics.maximumLength = maximumLength
        statistics.totalLength = totalLength
        for format in StringFormat.allCases where formatCounts[format.ordinal] != 0 {
            statistics.formats[format] = formatCounts[format.ordinal]
        }
        statistics.minimumElements = minimumElements
        statistics.maximumElements = maximumElements
        statistics.totalElements = totalElements
        statistics.totalMembers = totalMembers
        statistics.dataLikeKeys = dataLikeKeys
        statistics.distinctKeys = distinctKeys
        statistics.isMap = isMap
        return statistics
    }
}

extension PathStatistics {
    /// Adds another batch's statistics of the same path (see `CollectionStatistics.merge`).
    public mutating func merge(_ other: PathStatistics) {
        var accumulator = PathAccumulator(self)
        accumulator.merge(PathAccumulator(other))
        self = accumulator.statistics
    }
}
