import ArgumentParser
import CLIP
import Foundation

struct BenchModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure image throughput and text-query latency.",
        discussion: """
            --isa runs the kernels at a lower instruction-set tier than the CPU's own (e.g. avx2 on an \
            AVX-512 machine); --compare runs every tier this machine has, each precision, batch 1 and 16, \
            and prints one table.
            """)

    @Argument(help: "A Hugging Face CLIP folder.")
    var directory: String

    @Option(help: "Images per forward pass (repeat for several).")
    var batch: [Int] = [16]

    @Option(help: "Seconds to run the image benchmark, per batch size.")
    var seconds: Double = 10

    @Option(help: "Text queries to time.")
    var queries: Int = 50

    @Option(help: "Matrix-product arithmetic: float32, bfloat16 or int8.")
    var precision: CLIPPrecision = .float32

    @Option(help: "Instruction-set tier: \(CPUPath.allCases.dropFirst().map(\.description).joined(separator: ", ")).")
    var isa: CPUPath?

    @Flag(help: "Run every product through OpenBLAS on the memory-mapped weights (no oneDNN packing).")
    var blasOnly = false

    @Flag(
        help: "Every tier, precision and batch size of this machine in one table (one process per tier and precision).")
    var compare = false

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard batch.allSatisfy({ $0 > 0 }), seconds > 0, queries > 0 else {
            throw ValidationError("batch, seconds and queries must be positive")
        }
        if let isa, isa > CPUPath.best(for: CPUFeatures.host.features) {
            throw ValidationError(
                "this CPU cannot run \(isa): it has \(CPUFeatures.host.features.names.joined(separator: " "))")
        }
    }

    func run() async throws {
        if compare {
            try ModelBenchComparison(directory: directory, seconds: seconds, queries: queries).run()
            return
        }
        if let isa, isa != CPUPath.effective {
            guard ProcessInfo.processInfo.environment[Self.restartMarker] == nil else {
                throw ValidationError("the kernels run at \(CPUPath.effective), not \(isa), even when restarted")
            }
            try restart(at: isa)
        }
        let result = try ModelBenchmark(
            directory: directory, precision: precision, packsWeights: !blasOnly, batches: batch, seconds: seconds,
            queries: queries
        ).run()
        if json {
            print(String(decoding: try JSONEncoder().encode(result), as: UTF8.self))
        } else {
            result.printReport(directory: directory, blasOnly: blasOnly)
        }
    }

    private static let restartMarker = "AFA_BENCH_RESTARTED"

    /// The kernel libraries fix their tier when they load, so a lower one needs a new process:
    /// this one, replaced by itself with the tier's environment.
    private func restart(at path: CPUPath) throws -> Never {
        for (name, value) in path.environment { setenv(name, value, 1) }
        setenv(Self.restartMarker, "1", 1)
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", arguments)
        throw ValidationError("could not restart at \(path): \(String(cString: strerror(errno)))")
    }
}
