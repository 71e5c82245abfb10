import Testing

@testable import Search

/// The pure parts of the ranking: fusion, the adaptive cut-off, the words of a query.
@Suite struct RankingTests {
    @Test func anItemSeveralSignalsAgreeOnRisesAboveOneOnlyCLIPLikes() {
        var fusion = RankFusion<String>()
        fusion.add(.clip, ["beach", "dog-on-beach", "sea"])
        fusion.add(.comments, ["dog-on-beach"])
        let ranked = fusion.fused(tieBreak: <).map(\.item)
        #expect(ranked == ["dog-on-beach", "beach", "sea"])
        let top = fusion.fused(tieBreak: <)[0]
        #expect(top.ranks == [.clip: 2, .comments: 1])
    }

    @Test func oneSignalAlonePassesItsOrderThrough() {
        var fusion = RankFusion<Int>()
        fusion.add(.clip, [5, 3, 9, 1])
        #expect(fusion.fused(tieBreak: <).map(\.item) == [5, 3, 9, 1])
    }

    @Test func tagsCountHalfBecauseTheyAreCLIPsJudgementAgain() {
        var fusion = RankFusion<String>()
        fusion.add(.tags, ["tagged"])
        fusion.add(.filename, ["named"])
        #expect(fusion.fused(tieBreak: <).map(\.item) == ["named", "tagged"])
    }

    @Test func theCutoffFollowsTheQuerysOwnBackground() {
        let cutoff = RelevanceCutoff(spreads: 3, minimumSample: 50)
        // Two queries whose unrelated media score differently: one floor would fit neither.
        let low = (0..<200).map { 0.18 + Double($0 % 10) * 0.004 }
        let high = (0..<200).map { 0.24 + Double($0 % 10) * 0.004 }
        guard case .applied(let lowFloor, let lowMedian, _, 200) = cutoff.calibrate(low),
            case .applied(let highFloor, _, _, _) = cutoff.calibrate(high)
        else {
            Issue.record("a sample of 200 calibrates")
            return
        }
        #expect(abs(lowMedian - 0.198) < 0.005)
        #expect(lowFloor > 0.23 && lowFloor < 0.25, "\(lowFloor)")
        #expect(abs((highFloor - lowFloor) - 0.06) < 1e-9, "the floor moves with the background")
        // A handful of strong matches in the sample do not move it.
        #expect(cutoff.calibrate(low + [0.9, 0.9, 0.9]) != cutoff.calibrate(low))
        if case .applied(let withHits, _, _, _) = cutoff.calibrate(low + [0.9, 0.9, 0.9]) {
            #expect(abs(withHits - lowFloor) < 0.015, "three strong matches barely move it")
        }
        #expect(
            cutoff.calibrate(Array(low.prefix(10)))
                == .notApplied(reason: "fewer than 50 media to calibrate against (10 in the sample)"))
    }

    @Test func queryWordsLeaveOutFunctionWordsAndFindPeriods() {
        let words = QueryWords("A dog on the beach, July 2019")
        #expect(words.words == ["dog", "beach", "july", "2019"])
        #expect(words.phrases.contains("dog beach"))
        #expect(words.periods == ["2019-07"])
        #expect(QueryWords("party 2021 2022").periods == ["2021", "2022"])
        #expect(QueryWords("2019-07-14 fireworks").periods == ["2019-07-14"])
        #expect(QueryWords("room 1234 of 99999").periods == [])
        #expect(QueryWords("'; DROP TABLE assets; --").words == ["drop", "table", "assets"])
    }

    @Test func aCursorIsCheckedWhenReadBack() {
        let cursor = SearchCursor(sort: "relevance", score: 0.0312, time: nil, id: .init(), served: 10)
        #expect(SearchCursor(token: cursor.token) == cursor)
        #expect(SearchCursor(token: "bm90IGpzb24=") == nil)
        #expect(SearchCursor(token: String(repeating: "A", count: 600)) == nil)
        let wrongShape = SearchCursor(sort: "date", score: 1, time: nil, id: .init(), served: 1)
        #expect(SearchCursor(token: wrongShape.token) == nil)
    }
}
