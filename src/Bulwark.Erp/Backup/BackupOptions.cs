using System.ComponentModel.DataAnnotations;
using Bulwark.Security.Crypto;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.Erp.Backup;

/// <summary>DATA-4: the key that encrypts and authenticates backups, bound from <c>Bulwark:Backup</c>.</summary>
public sealed class BackupOptions
{
    public const string SectionName = "Bulwark:Backup";

    /// <summary>
    /// Base64 of 32 random bytes. Keep it apart from the master key and from the backups themselves: with the
    /// key, a backup reveals every record (sensitive fields included); without it, a backup cannot be restored.
    /// Development: generated into the data folder (<c>backup.key</c>) with a warning; required elsewhere.
    /// </summary>
    public string? Key { get; set; }

    /// <summary>A file holding the base64 backup key (a mounted secret). Default unset.</summary>
    [MaxLength(4096)]
    public string? KeyFile { get; set; }
}

/// <summary>DATA-5: outside Development a missing, malformed or development backup key stops the host.</summary>
internal sealed class BackupOptionsValidator(IHostEnvironment environment) : IValidateOptions<BackupOptions>
{
    public ValidateOptionsResult Validate(string? name, BackupOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problem = MasterKey.Problem(options.Key, options.KeyFile, BackupOptions.SectionName + ":Key", environment);
        return problem is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problem);
    }
}
