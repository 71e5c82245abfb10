import Prometheus
import Search

/// `/metrics` histograms of each search step, with buckets fit for milliseconds (the registry's
/// default ones start at 5 ms: too coarse for a vector search).
struct SearchMetrics: Sendable {
    let encode: DurationHistogram
    let vector: DurationHistogram
    let text: DurationHistogram
    let fusion: DurationHistogram
    let total: DurationHistogram

    init(registry: PrometheusCollectorRegistry) {
        let buckets: [Duration] = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(15), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(5),
        ]
        func histogram(_ step: String, _ help: String) -> DurationHistogram {
            registry.makeDurationHistogram(
                descriptor: MetricNameDescriptor(
                    namespace: "afa", subsystem: "search", metricName: step, unitName: "seconds", helpText: help),
                buckets: buckets)
        }
        encode = histogram("encode", "Turning a query into a vector (cache hits included)")
        vector = histogram("vector", "Finding the nearest stored vectors, with the cut-off's calibration")
        text = histogram("text", "The words' look-ups (filename, comments, tags, cluster, camera, date)")
        fusion = histogram("fusion", "Fusing the lists into one ranking and paging it")
        total = histogram("total", "A whole search, from the query to the described page")
    }

    func record(_ timing: SearchTiming) {
        func duration(_ milliseconds: Double) -> Duration { .nanoseconds(Int64(milliseconds * 1_000_000)) }
        encode.record(duration(timing.encode))
        vector.record(duration(timing.vector))
        text.record(duration(timing.text))
        fusion.record(duration(timing.fusion))
        total.record(duration(timing.total))
    }
}
