using System.Globalization;
using Bulwark.Erp.Data;
using Bulwark.Erp.Inventory;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Bulwark.Api.Tests.Data;

/// <summary>
/// Issue 7: SQLite timestamps are read by the model's own converter (no culture-aware parse per column). The text it
/// writes must be the text Microsoft.Data.Sqlite itself writes (stored rows, ordering and range comparisons in SQL stay
/// the same), and anything else must read exactly as the provider's own reader would.
/// </summary>
public sealed class SqliteTimestampTests
{
    private static ValueConverter Converter()
    {
        using var db = new SqliteBulwarkDbContext(
            new DbContextOptionsBuilder<SqliteBulwarkDbContext>().UseSqlite("Data Source=:memory:").Options);
        var converter = db.Model.FindEntityType(typeof(Item))!.FindProperty(nameof(Item.CreatedAt))!.GetValueConverter();
        Assert.NotNull(converter);
        Assert.Equal(typeof(string), converter.ProviderClrType);
        return converter;
    }

    public static TheoryData<long> Ticks() => new()
    {
        new DateTime(2026, 12, 6, 5, 0, 0, DateTimeKind.Utc).Ticks,            // no fraction: no decimal point either
        new DateTime(2026, 12, 6, 5, 0, 0, DateTimeKind.Utc).Ticks + 1,        // one tick: seven digits
        new DateTime(2024, 2, 29, 23, 59, 59, DateTimeKind.Utc).Ticks + 5_000_000,   // leap day, trailing zeros trimmed
        new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).Ticks + 1_234_560, // six digits
        DateTime.MinValue.Ticks,
        DateTime.MaxValue.Ticks,
    };

    [Theory]
    [MemberData(nameof(Ticks))]
    public void Converter_WritesTheProvidersTextAndReadsItBack(long ticks)
    {
        var value = new DateTime(ticks, DateTimeKind.Utc);
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT @v";
        command.Parameters.AddWithValue("@v", value);
        var providerText = (string)command.ExecuteScalar()!;

        var converter = Converter();
        Assert.Equal(providerText, converter.ConvertToProvider(value));
        var read = (DateTime)converter.ConvertFromProvider(providerText)!;
        Assert.Equal(value, read);
        Assert.Equal(DateTimeKind.Utc, read.Kind);
    }

    [Fact]
    public void Converter_StoresLocalTimesAsUtc()
    {
        var utc = new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);
        Assert.Equal("2026-06-01 12:00:00", Converter().ConvertToProvider(utc.ToLocalTime()));
    }

    [Theory]
    [InlineData("2026-01-02")]
    [InlineData("2026-01-02T03:04:05")]
    [InlineData("2026-01-02 03:04:05.")]
    [InlineData("2026-1-02 03:04:05")]
    [InlineData("2026-01-02 03:04:05.12345678")]
    [InlineData(" 2026-01-02 03:04:05")]
    public void Converter_ReadsOtherShapesAsTheProviderDoes(string text)
    {
        var converter = Converter();
        DateTime expected;
        try
        {
            expected = DateTime.Parse(text, CultureInfo.InvariantCulture);
        }
        catch (FormatException)
        {
            Assert.Throws<FormatException>(() => converter.ConvertFromProvider(text));
            return;
        }

        var read = (DateTime)converter.ConvertFromProvider(text)!;
        Assert.Equal(expected.Ticks, read.Ticks);
        Assert.Equal(DateTimeKind.Utc, read.Kind);
    }

    [Theory]
    [InlineData("2026-02-30 00:00:00")]
    [InlineData("2026-13-01 00:00:00")]
    [InlineData("2026-01-01 24:00:00")]
    [InlineData("2026-01-01 00:60:00")]
    [InlineData("2026-01-01 00:00:60")]
    [InlineData("0000-01-01 00:00:00")]
    [InlineData("2026-01-0x 00:00:00")]
    public void Converter_RefusesImpossibleTimestampsLikeTheProvider(string text)
    {
        Assert.Throws<FormatException>(() => DateTime.Parse(text, CultureInfo.InvariantCulture));
        Assert.Throws<FormatException>(() => Converter().ConvertFromProvider(text));
    }

    [Fact]
    public async Task MultiThreadMode_ConcurrentConnectionsOnOneFile_KeepEveryRow()
    {
        // SqliteEngine drops SQLite's per-call connection mutex: connections used one thread at a time stay correct.
        SqliteEngine.Configure();
        var folder = Directory.CreateTempSubdirectory("bulwark-sqlite-");
        try
        {
            var source = $"Data Source={Path.Combine(folder.FullName, "t.db")};Pooling=True;Default Timeout=30";
            await using (var setup = new SqliteConnection(source))
            {
                await setup.OpenAsync();
                await using var create = setup.CreateCommand();
                create.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE t (worker INTEGER, n INTEGER, at TEXT)";
                await create.ExecuteNonQueryAsync();
            }

            const int workers = 8, rows = 60;
            await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
            {
                for (var n = 0; n < rows; n++)
                {
                    await using var connection = new SqliteConnection(source);
                    await connection.OpenAsync();
                    await using var insert = connection.CreateCommand();
                    insert.CommandText = "INSERT INTO t VALUES (@w, @n, @at)";
                    insert.Parameters.AddWithValue("@w", worker);
                    insert.Parameters.AddWithValue("@n", n);
                    insert.Parameters.AddWithValue("@at", DateTime.UtcNow);
                    await insert.ExecuteNonQueryAsync();
                    await using var read = connection.CreateCommand();
                    read.CommandText = "SELECT count(*), max(n) FROM t WHERE worker = @w";
                    read.Parameters.AddWithValue("@w", worker);
                    await using var reader = await read.ExecuteReaderAsync();
                    Assert.True(await reader.ReadAsync());
                    Assert.Equal(n + 1, reader.GetInt32(0));
                    Assert.Equal(n, reader.GetInt32(1));
                }
            })));

            await using var check = new SqliteConnection(source);
            await check.OpenAsync();
            await using var total = check.CreateCommand();
            total.CommandText = "SELECT count(*), count(DISTINCT worker * 1000 + n) FROM t";
            await using var result = await total.ExecuteReaderAsync();
            Assert.True(await result.ReadAsync());
            Assert.Equal(workers * rows, result.GetInt32(0));
            Assert.Equal(workers * rows, result.GetInt32(1));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }
}
