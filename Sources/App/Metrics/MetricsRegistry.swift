import Catalog
import Metrics
import Prometheus

/// The process's Prometheus registry. `swift-metrics` calls anywhere in the code (ingest bytes,
/// job durations, HTTP requests) land here once `bootstrap()` ran.
public final class MetricsRegistry: Sendable {
    public let registry = PrometheusCollectorRegistry()

    public init() {}

    /// Installs the registry as the process-wide metrics backend; call once, at start-up.
    public func bootstrap() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(500), .seconds(2), .seconds(10),
            .seconds(60),
        ]
        MetricsSystem.bootstrap(factory)
    }

    static var queueDepth: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "afa", metricName: "jobs", unitName: "", helpText: "Jobs in the queue by state, read at scrape")
    }

    func recordQueueDepth(_ counts: [JobState: Int]) {
        for state in [JobState.queued, .processing, .done, .failed, .dead] {
            registry.makeGauge(descriptor: Self.queueDepth, labels: [("state", state.rawValue)]).set(
                Double(counts[state] ?? 0))
        }
    }
}
