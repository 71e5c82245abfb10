# `make run` and `make test` work on a fresh Debian 12 machine with Swift: they install what
# is missing (scripts/setup.sh), build, and run.
SWIFT ?= swift
CONFIG ?= debug
AFA := .build/$(CONFIG)/afa
export AFA_DATA ?= $(CURDIR)/var

.PHONY: setup build run test format lint bench-ingest bench-clip bench-queue bench-media bench-json bench-organise bench-search bench-fusion bench-s3 clean-data

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build -c $(CONFIG) --product afa

run: build
	$(AFA) serve

# Tests run against the real embedded PostgreSQL (started by the test suite itself under
# var/test) and spawn the real `afa` binary for the crash and multi-process tests.
test: setup lint
	$(SWIFT) build --build-tests
	AFA_TEST_DATA=$(CURDIR)/var/test AFA_BIN=$(CURDIR)/$(AFA) $(SWIFT) test --skip-build --parallel \
		--skip ComputeIsolationTests --skip ConnectionHygieneTests --skip MediaStageTests --skip EmbeddingStageTests \
		--skip ImagingTests --skip SchemaDecisionTests --skip HostileDocumentTests --skip 'SchemaTests\.' \
		--skip DuplicateTests --skip ClusterTests --skip MergeCrashTests --skip FamilyTests \
		--skip PlacementTests --skip TrashPurgeTests --skip KeeperCarryTests --skip DensityClusteringTests \
		--skip OrphanSweepTests --skip OutlierPrecisionTests --skip WorkerTeamTests \
		--skip 'AppTests\.(SearchTests|SearchRecallTests|SearchCommandTests|DocumentSearchAPITests|DocumentSearchTests)' \
		--skip SchemathesisTests --skip S3StoreTests --skip S3StorageTests --skip ScaleOutTests
	@# The media suites (organisation's too: BLAS products, files moved) decode images and video and run CLIP, the collection suites send
	@# thousands of documents or start twenty collections in one request, and the schema unit suite
	@# builds statistics of 100,000 values:
	@# beside the parallel suite they starve its timing-sensitive tests (subprocess timeouts, the
	@# test client's 20 s per request) of CPU for seconds. They run after it, one at a time.
	AFA_TEST_DATA=$(CURDIR)/var/test AFA_BIN=$(CURDIR)/$(AFA) $(SWIFT) test --skip-build \
		--filter 'MediaStageTests|EmbeddingStageTests|ImagingTests|SchemaDecisionTests|HostileDocumentTests|SchemaTests\.' \
		--filter 'DuplicateTests|ClusterTests|MergeCrashTests|FamilyTests|PlacementTests|TrashPurgeTests' \
		--filter 'KeeperCarryTests|DensityClusteringTests|OrphanSweepTests'
	@# Alone: it writes a 600 MB ViT-B/32 and embeds with it in three precisions, which beside the
	@# collection suites above starved their 20 s requests.
	$(SWIFT) test --skip-build --filter 'CLIPTests\.OutlierPrecisionTests'
	@# Alone too: it times a helper thread's parking and waking, which a starved machine blurs.
	$(SWIFT) test --skip-build --filter 'CLIPTests\.WorkerTeamTests'
	@# The CLIP suites that check arithmetic, again with the kernels lowered to AVX2 through
	@# oneDNN's and OpenBLAS's own switches: the tier of most servers, whose kernels an AVX-512
	@# machine never runs otherwise. The suites check that the kernels really ran there.
	if grep -qw avx2 /proc/cpuinfo; then \
		ONEDNN_MAX_CPU_ISA=AVX2 OPENBLAS_CORETYPE=Haswell AFA_TEST_EXPECT_CPU_PATH=avx2 $(SWIFT) test --skip-build \
			--filter 'CLIPTests\.(CPUPathTests|OutlierPrecisionTests|ReducedPrecisionTests|GoldenFeatureTests|ConcurrencyTests)'; \
	fi
	@# Search, one test at a time: each processes media with CLIP, makes 20,000 vectors or 5,000
	@# documents, or runs `afa serve`, and answers within the test client's 20 s per request.
	AFA_TEST_DATA=$(CURDIR)/var/test AFA_BIN=$(CURDIR)/$(AFA) $(SWIFT) test --skip-build --no-parallel \
		--filter 'AppTests\.(SearchTests|SearchRecallTests|SearchCommandTests|DocumentSearchAPITests|DocumentSearchTests)'
	@# S3, one test at a time: each starts moto's S3 server, some a flaky proxy in front of it or
	@# several `afa` processes on one database and one bucket (docs/deployment.md).
	AFA_TEST_DATA=$(CURDIR)/var/test AFA_BIN=$(CURDIR)/$(AFA) $(SWIFT) test --skip-build --no-parallel \
		--filter 'S3StoreTests|S3StorageTests|ScaleOutTests'
	@# Alone, one after the other: they measure latency (under 1 s) beside load they make on purpose,
	@# which the rest of the suite running beside them would distort.
	AFA_TEST_DATA=$(CURDIR)/var/test AFA_BIN=$(CURDIR)/$(AFA) $(SWIFT) test --skip-build \
		--filter 'ComputeIsolationTests|ConnectionHygieneTests'
	@# Alone too: Schemathesis sends a real `afa serve` thousands of generated requests (about two
	@# minutes) and checks every answer against docs/openapi.yaml.
	AFA_TEST_DATA=$(CURDIR)/var/test AFA_BIN=$(CURDIR)/$(AFA) $(SWIFT) test --skip-build --filter SchemathesisTests
	@AFA_DATA=$(CURDIR)/var/test $(AFA) db stop >/dev/null 2>&1 || true

format:
	$(SWIFT) format --in-place --recursive --parallel Sources Tests bench Package.swift

lint:
	$(SWIFT) format lint --strict --recursive --parallel Sources Tests bench Package.swift

bench-ingest: setup
	bash bench/ingest/run.sh

bench-clip: setup
	bash bench/clip/run.sh

bench-queue: setup
	bash bench/queue/run.sh

bench-media: setup
	bash bench/media/run.sh

# Schema inference (afa-schema-bench), ingest into an approved typed table, range queries typed vs JSONB.
bench-json: setup
	bash bench/json/run.sh

# Clustering quality and time, duplicate look-ups at 100k and 1M stored, files moved per second.
bench-organise: setup
	bash bench/organise/run.sh

# pgvector HNSW search at 100k and 1M: latency, recall@10, 1% filter (iterative vs exact), queries/s, index builds.
bench-search: setup
	bash bench/search/run.sh

# Fusion and cut-off quality on a synthetic labelled library (pure, about 20 s).
bench-fusion: setup
	bash bench/search/fusion.sh

# S3 through the service vs boto3 (1 GiB, MiB/s and peak RSS), jobs/s with 1, 2 and 4 worker processes.
bench-s3: setup
	bash bench/s3/run.sh

clean-data:
	-AFA_DATA=$(AFA_DATA) $(AFA) db stop
	rm -rf var
