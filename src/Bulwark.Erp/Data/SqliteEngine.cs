using SQLitePCL;

namespace Bulwark.Erp.Data;

/// <summary>
/// Issue 7: process-wide SQLite settings, applied once before the first connection opens. SQLite's default
/// "serialized" mode takes the connection's mutex on every call (every column of every row the materializer reads);
/// ADO.NET connections are never used by two threads at once (a pooled connection serves one command at a time), so
/// "multi-thread" mode, which drops that per-call mutex, is safe here. Memory statistics (a global mutex on every
/// allocation) are not used either.
/// </summary>
public static class SqliteEngine
{
    private const int ConfigMultiThread = 2;   // SQLITE_CONFIG_MULTITHREAD
    private const int ConfigMemStatus = 9;     // SQLITE_CONFIG_MEMSTATUS
    private static readonly Lazy<bool> Configured = new(Apply);

    /// <summary>True when the settings took effect (false if SQLite was already initialized in this process).</summary>
    public static bool Configure() => Configured.Value;

    private static bool Apply()
    {
        Batteries_V2.Init();
        var threading = raw.sqlite3_config(ConfigMultiThread);
        var memStatus = raw.sqlite3_config(ConfigMemStatus, 0);
        return threading == raw.SQLITE_OK && memStatus == raw.SQLITE_OK;
    }
}
