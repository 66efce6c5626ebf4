using Theta.Cli.Commands;
using Theta.Distributed;

namespace Theta.Cli;

/// <summary>
/// The <c>theta</c> command. Each verb lives in Commands/ as a static <c>Create()</c>; this file
/// only assembles them. Errors become one line on stderr and exit code 1.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand("Theta: deep learning the way the course teaches it, in pure .NET.\nTrain naive Bayes, logistic regression and neural networks on CSV files, compare them, and benchmark the engine.")
        {
            TrainCommand.Create(),
            EvalCommand.Create(),
            PredictCommand.Create(),
            CompareCommand.Create(),
            ExplainCommand.Create(),
            GradCheckCommand.Create(),
            SummaryCommand.Create(),
            FairnessCommand.Create(),
            DataCommand.Create(),
            BenchCommand.Create(),
            FiltersCommand.Create(),
            StimulusCommand.Create(),
            ActivationsCommand.Create(),
            ServeCommand.Create(),
            CritterCommand.Create(),
            SearchCommand.Create(),
            ExportCommand.Create(),
            ImportCommand.Create(),
        };
        Theta.Io.OnnxFile.Register();   // every verb reads .onnx files too
        try
        {
            int code = root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
            MpiWorld.Current?.Dispose();
            return code;
        }
        catch (Exception e) when (MpiWorld.Current is { } world)
        {
            // In an MPI job: one line for a failure every rank found alike (rank 0 prints it); otherwise this
            // rank names itself and MPI_Abort ends the others, which may be waiting for it in a collective.
            var (line, everyRank) = world.Settle(e);
            if (!everyRank)
            {
                Console.Error.WriteLine($"theta: error: {line}");
                Console.Error.Flush();
                world.Abort(1);
            }
            if (world.Rank == 0) Console.Error.WriteLine($"theta: error: {line}");
            world.Dispose();
            return 1;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"theta: error: {Theta.Io.SafeText.OneLine(Message(e))}");
            return 1;
        }
    }

    // The message without .NET's "(Parameter 'x')" and "Actual value was …" lines: the text already says what was wrong.
    private static string Message(Exception e) => e switch
    {
        OutOfMemoryException => "out of memory (the input is larger than this machine can hold)",
        ArgumentException { ParamName: { } name } a => a.Message.Split('\n')[0].Replace($" (Parameter '{name}')", "").TrimEnd(),
        _ => e.Message,
    };
}
