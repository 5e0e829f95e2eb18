namespace Bulwark.Security.Hosting;

/// <summary>
/// The embedded mode's data folder (SQLite file, development keys): <c>BULWARK_DATA_DIR</c>, or
/// <c>data/</c> under the content root. Created owner-only (0700) on Unix.
/// </summary>
public sealed class BulwarkDataDirectory
{
    public const string EnvironmentVariable = "BULWARK_DATA_DIR";

    public BulwarkDataDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(Path))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(Path);
            }
            else
            {
                Directory.CreateDirectory(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
    }

    public string Path { get; }

    public string Combine(string fileName) => System.IO.Path.Combine(Path, fileName);

    public static string Resolve(string? configured, string contentRoot) =>
        string.IsNullOrWhiteSpace(configured) ? System.IO.Path.Combine(contentRoot, "data") : configured;
}
