# Loaded by SchemathesisTests (Tests/AppTests/SchemathesisTests.swift) through the run's config file.
import schemathesis

# The ingest route takes NDJSON bodies, which the spec describes as text (one JSON object per line);
# Schemathesis has no serializer for these media types, so it sends them as it sends text/plain.
schemathesis.serializer.alias(["application/x-ndjson", "application/jsonl", "application/x-jsonlines"], "text/plain")

# A file part may be labelled `video/*` (the server judges the bytes, never the label); Schemathesis
# knows sample types for images but none for video, so a video part goes out as raw bytes.
schemathesis.serializer.alias("video/mp4", "application/octet-stream")
