import ArgumentParser

/// The `digitty` command: draw a digit in the terminal (the default), or predict, train, evaluate, benchmark…
@main
struct Digitty: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digitty",
        abstract: "Handwritten digit recognition in the terminal, with a CNN engine in pure Swift.",
        subcommands: [
            DrawCommand.self,
            PredictCommand.self,
            BenchCommand.self,
            TrainCommand.self,
            TuneCommand.self,
            ExperimentCommand.self,
            EvalCommand.self,
            CalibrateCommand.self,
            DataCommand.self,
            ServeCommand.self,
            ConvertCommand.self,
            ExportCommand.self,
        ],
        defaultSubcommand: DrawCommand.self
    )
}
