using ThreatScorer.Core.Models;
using ThreatScorer.FineTune;

// A research/training tool, not part of the worker: it needs libtorch, which on Debian 12 only loads inside
// scripts/training-env.sh's environment.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    return args.FirstOrDefault() switch
    {
        "self-check" => SelfCheckCommand(args[1..]),
        "train" => await TrainCommand.RunAsync(CommandLine.Parse(args[1..]), Console.Out, Console.Error, cancel.Token),
        "evaluate" => await EvaluateCommand.RunAsync(CommandLine.Parse(args[1..]), Console.Out, cancel.Token),
        _ => Usage(),
    };
}
catch (CommandLineException ex)
{
    Console.Error.WriteLine($"threatscorer-finetune: {ex.Message}");
    return 2;
}
catch (InputFormatException ex)
{
    Console.Error.WriteLine($"threatscorer-finetune: {ex.Message}");
    return 2;
}
catch (InvalidDataException ex)
{
    // A model file that is not what it should be (model.onnx, head.json): named in the message, as the CLI's exit 3.
    Console.Error.WriteLine($"threatscorer-finetune: {ex.Message}");
    return 3;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("threatscorer-finetune: cancelled");
    return 130;
}

static int SelfCheckCommand(string[] args)
{
    var options = CommandLine.Parse(args);
    TorchSharp.torch.set_num_threads(options.Whole("threads", 2));
    options.ThrowOnUnused();
    return SelfCheck.Run(Console.Out);
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: threatscorer-finetune self-check [--threads N]
               threatscorer-finetune train --train FILE [--train FILE ...] --dev NAME=FILE [--dev NAME=FILE ...] --out MODELS_DIR
                                           [--epochs 3] [--batch 32] [--lr 3e-5] [--seed 1] [--patience 1] [--threads 2] [--max-steps 0] [--limit 0]
               threatscorer-finetune evaluate --model VERSION_DIR --dev NAME=FILE [--dev NAME=FILE ...] [--threads 2]
                   (ONNX Runtime + head.json, no torch: runs on any host)
        """);
    return 2;
}
