extension Migration {
    /// Every lookup of an asset's jobs goes through `UNIQUE (asset_id, stage)`, whose leading
    /// column is the asset: `jobs_asset (asset_id, id)` only cost a fourth index entry for each of
    /// an asset's stage rows (four per JSON document, written by its ingest).
    static let leanJobs = Migration(
        version: 8, name: "lean_jobs",
        statements: ["DROP INDEX IF EXISTS jobs_asset"])
}
