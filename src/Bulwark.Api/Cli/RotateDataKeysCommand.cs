using System.Globalization;
using Bulwark.Erp.Crypto;

namespace Bulwark.Api.Cli;

/// <summary>
/// DATA-1: <c>rotate-data-keys [--batch-size N] [--max-batches N]</c> re-encrypts every value not under
/// <c>Bulwark:Crypto:ActiveKeyId</c>. Exit 0 when nothing is left under an older key, 1 when rows remain
/// (stopped by <c>--max-batches</c>, or rows changed concurrently: run it again, it resumes).
/// </summary>
internal static class RotateDataKeysCommand
{
    public const int DefaultBatchSize = 500;

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        int batchSize;
        int? maxBatches;
        try
        {
            batchSize = Option(args, "--batch-size") ?? DefaultBatchSize;
            maxBatches = Option(args, "--max-batches");
        }
        catch (FormatException e)
        {
            await error.WriteLineAsync("rotate-data-keys: " + e.Message);
            return 2;
        }

        var result = await services.GetRequiredService<DataKeyRotator>().RotateAsync(batchSize, maxBatches, CancellationToken.None);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"rotate-data-keys: {result.RowsRotated} rows re-encrypted under key id {result.ActiveKeyId} in {result.Batches} batches, {result.RowsRemaining} remaining"));
        return result.RowsRemaining == 0 ? 0 : 1;
    }

    private static int? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        if (at < 0)
        {
            return null;
        }

        if (at + 1 >= args.Length || !int.TryParse(args[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            || value < 1 || value > 100_000)
        {
            throw new FormatException($"{name} takes a whole number from 1 to 100000.");
        }

        return value;
    }
}
