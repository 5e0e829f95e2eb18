namespace Bulwark.Testing;

/// <summary>Where the checkout is, for tests that read its files (docs, deploy configs).</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding <c>Bulwark.slnx</c>, found upwards from the test binaries.</summary>
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Bulwark.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root (Bulwark.slnx) not found");
    }
}
