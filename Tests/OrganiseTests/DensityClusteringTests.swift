import Organise
import Testing

@Suite struct DensityClusteringTests {
    @Test func groupsAroundCentresAreFoundAndLoneVectorsStayUnsorted() {
        let data = Synthetic(centres: 5, perCentre: 20, dimensions: 64, spread: 0.35, noise: 6)
        let result = DensityClustering(threshold: 0.8, minimumMembers: 3).cluster(data.vectors)
        #expect(result.groups.count == 5)
        #expect(Set(result.unsorted) == Set(100..<106), "the six random vectors resemble nothing")
        for group in result.groups { #expect(Set(group.map { data.labels[$0] }).count == 1) }
        #expect(AdjustedRandIndex.score(data.labels, result.labels(count: 106)) > 0.99)
    }

    @Test func theCellIndexFindsWhatComparingEveryPairFinds() {
        let data = Synthetic(centres: 40, perCentre: 30, dimensions: 64, spread: 0.35, noise: 50)
        var exact = DensityClustering(threshold: 0.8, minimumMembers: 3)
        var indexed = exact
        exact.exactLimit = .max
        indexed.exactLimit = 100
        let exactResult = exact.cluster(data.vectors)
        let indexedResult = indexed.cluster(data.vectors)
        #expect(exactResult.groups.count == 40)
        let agreement = AdjustedRandIndex.score(
            exactResult.labels(count: data.labels.count),
            indexedResult.labels(count: data.labels.count))
        #expect(agreement > 0.98, "ARI between the exact and the indexed pass: \(agreement)")
    }

    @Test func tooFewNeighboursMakeNoGroup() {
        var vectors = UnitVectors(dimensions: 3)
        vectors.append([1, 0, 0])
        vectors.append([0.99, 0.1, 0])
        vectors.append([0, 0, 1])
        let result = DensityClustering(threshold: 0.9, minimumMembers: 3).cluster(vectors)
        #expect(result.groups.isEmpty)
        #expect(result.unsorted == [0, 1, 2])
    }

    @Test func summaryAndAssignment() {
        let data = Synthetic(centres: 2, perCentre: 10, dimensions: 32, spread: 0.3)
        let result = DensityClustering(threshold: 0.8, minimumMembers: 3).cluster(data.vectors)
        #expect(result.groups.count == 2)
        let summaries = result.groups.map { ClusterSummary(members: $0, of: data.vectors) }
        for (summary, group) in zip(summaries, result.groups) {
            #expect(summary.cohesion > 0.9)
            #expect(summary.exemplars.count == 4)
            #expect(Set(summary.exemplars).isSubset(of: group))
        }
        let centroids = UnitVectors(summaries.map(\.centroid), dimensions: 32)
        let matches = ClusterAssignment.nearest(data.vectors, centroids: centroids, threshold: 0.8)
        #expect(matches.count == 20)
        for match in matches { #expect(result.groups[match.cluster].contains(match.row)) }
        let excluded = ClusterAssignment.nearest(
            data.vectors, centroids: centroids, threshold: 0.8, excluded: { row, _ in row == 0 })
        #expect(!excluded.contains { $0.row == 0 }, "a member an admin took out is not proposed again")
    }
}
