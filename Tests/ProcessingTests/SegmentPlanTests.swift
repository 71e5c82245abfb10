import Testing

@testable import Processing

struct SegmentPlanTests {
    typealias Segment = SegmentPlan.Segment

    @Test func scenesAndABlackOpeningMakeTheSegments() {
        let plan = SegmentPlan(duration: 14, sceneChanges: [6, 10], blackIntervals: [0...2.12])
        #expect(
            plan.segments == [Segment(start: 2.12, end: 6), Segment(start: 6, end: 10), Segment(start: 10, end: 14)])
    }

    @Test func aLongShotIsCutSoThatThereIsAFrameEveryTenSeconds() {
        let plan = SegmentPlan(duration: 25, sceneChanges: [], blackIntervals: [])
        #expect(plan.segments.count == 3)
        #expect(plan.segments.allSatisfy { $0.duration <= SegmentPlan.longest })
        #expect(plan.segments.first?.start == 0 && plan.segments.last?.end == 25)
    }

    @Test func theCeilingWinsForLongVideos() {
        let cuts = stride(from: 1.0, to: 100, by: 1).map { $0 }
        let plan = SegmentPlan(duration: 100, sceneChanges: cuts, blackIntervals: [])
        #expect(plan.segments.count == SegmentPlan.maximumCount)
        #expect(plan.segments.first?.start == 0 && plan.segments.last?.end == 100, "nothing is dropped, only merged")
        for (a, b) in zip(plan.segments, plan.segments.dropFirst()) { #expect(a.end == b.start) }
    }

    @Test func aFlashBetweenCutsJoinsItsNeighbour() {
        let plan = SegmentPlan(duration: 8, sceneChanges: [4, 4.2], blackIntervals: [])
        #expect(plan.segments.count == 2)
        #expect(plan.segments.map(\.duration).min()! >= SegmentPlan.shortest)
    }

    @Test func anAllBlackVideoHasNoSegments() {
        #expect(SegmentPlan(duration: 5, sceneChanges: [], blackIntervals: [0...5]).segments.isEmpty)
        #expect(SegmentPlan(duration: 0, sceneChanges: [], blackIntervals: []).segments.isEmpty)
    }

    @Test func ffmpegsLogIsRead() {
        let log = """
            [blackdetect @ 0x55] black_start:0 black_end:2.12 black_duration:2.12
            [Parsed_showinfo_3 @ 0x56] n:   0 pts: 153600 pts_time:6       duration:  512 fmt:yuv420p
            [Parsed_showinfo_3 @ 0x56] n:   1 pts: 256000 pts_time:10      duration:  512
            frame=  350 fps=0.0 q=-0.0 Lsize=N/A time=00:00:14.00
            """
        let scenes = MediaTools.parseScenes(log)
        #expect(scenes.changes == [6, 10])
        #expect(scenes.black == [0...2.12])
    }

    @Test func ffprobesDescriptionIsRead() throws {
        let json = """
            {"streams": [
                {"codec_type": "video", "codec_name": "hevc", "width": 1920, "height": 1080,
                 "avg_frame_rate": "30000/1001", "side_data_list": [{"rotation": -90}]},
                {"codec_type": "audio", "codec_name": "aac"}],
             "format": {"format_name": "mov,mp4,m4a,3gp,3g2,mj2", "duration": "12.5",
                        "tags": {"creation_time": "2024-05-01T10:00:00.000000Z"}}}
            """
        let facts = try VideoFacts.parse(json)
        #expect(facts.width == 1080 && facts.height == 1920, "a phone video shot upright")
        #expect(facts.rotation == 90 && facts.frameRate == 29.97 && facts.durationSeconds == 12.5)
        #expect(facts.createdAt == "2024-05-01T10:00:00.000000Z" && facts.audioCodec == "aac")
        #expect(throws: (any Error).self) { try VideoFacts.parse(#"{"streams": [], "format": {}}"#) }
        #expect(throws: (any Error).self) { try VideoFacts.parse("not json") }
    }
}

struct HostileVideoFactsTests {
    @Test func aDeclaredDurationOfCenturiesStillMakesAtMost32Segments() {
        let plan = SegmentPlan(duration: 9e12, sceneChanges: [], blackIntervals: [])
        #expect(plan.segments.count <= SegmentPlan.maximumCount && !plan.segments.isEmpty)
        let cuts = (1..<200_000).map { Double($0) / 10 }
        #expect(SegmentPlan(duration: 20_000, sceneChanges: cuts, blackIntervals: []).segments.count == 32)
    }

    @Test func aRotateTagThatIsNoAngleIsNoRotation() throws {
        for tag in ["1e300", "nan", "inf", "-450"] {
            let json = """
                {"streams": [{"codec_type": "video", "codec_name": "h264", "width": 640, "height": 480,
                              "tags": {"rotate": "\(tag)"}}],
                 "format": {"duration": "3"}}
                """
            let facts = try VideoFacts.parse(json)
            #expect((0..<360).contains(facts.rotation), "\(tag) → \(facts.rotation)")
        }
    }
}
