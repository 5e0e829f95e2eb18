using Microsoft.Extensions.Configuration;

namespace Bulwark.Security.Hosting;

/// <summary>
/// DATA-5: secrets from files, as Docker and Kubernetes mount them. When <c>BULWARK_SECRETS_DIR</c> is set, every file in
/// that folder is one setting, named like its environment variable (<c>Bulwark__Database__ConnectionString</c>,
/// <c>Bulwark__Redis__Configuration</c>, <c>Bulwark__Crypto__MasterKey</c>, …) and holding the value (a trailing newline
/// is dropped). Files win over environment variables. The framework's key-per-file provider reads them.
/// </summary>
public static class SecretFiles
{
    public const string Variable = "BULWARK_SECRETS_DIR";

    public static void AddTo(IConfigurationManager configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[Variable] is not { Length: > 0 } folder)
        {
            return;
        }

        if (!Directory.Exists(folder))
        {
            // A configured secret folder that is missing is a broken deployment, not "no secrets".
            throw new InvalidOperationException($"{Variable}: the folder '{folder}' does not exist.");
        }

        configuration.AddKeyPerFile(source =>
        {
            source.FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(Path.GetFullPath(folder));
            source.Optional = false;
            source.ReloadOnChange = false;
        });
    }
}
