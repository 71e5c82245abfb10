import ArgumentParser

@main
struct AfaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "afa",
        abstract: "Automated File Allocator: keeps anything you send, then understands it.",
        discussion: """
            Server roles run against the catalog in DATABASE_URL, or against the embedded PostgreSQL \
            under $AFA_DATA/pg when DATABASE_URL is unset. Client commands talk to a running server.
            """,
        subcommands: [
            ServeCommand.self, WorkerCommand.self, ReprocessCommand.self, MigrateCommand.self,
            MigrateStorageCommand.self,
            DatabaseCommand.self,
            KeysCommand.self,
            AuditCommand.self, IngestCommand.self, StatusCommand.self, SearchCommand.self, ReviewCommand.self,
            ModelCommand.self,
            DoctorCommand.self,
        ])
}
