using System.ComponentModel.DataAnnotations;

namespace Bulwark.Erp.Audit;

/// <summary>LOG-3/LOG-5: keyed checkpoints and retention of the audit store (<c>Bulwark:Audit</c>).</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Bulwark:Audit";

    /// <summary>
    /// How often a keyed checkpoint of the chain head is taken (when the chain grew). Default 5 min.
    /// A forgery or cut of events newer than the latest checkpoint is only caught by the unkeyed
    /// chain, so a longer interval widens that window.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The checkpoint HMAC key, base64, at least 32 bytes (env <c>Bulwark__Audit__CheckpointKey</c>).
    /// Prefer <see cref="CheckpointKeyFile"/>. Required outside Development (one of the two); in
    /// Development a key is generated in the data folder.
    /// </summary>
    public string? CheckpointKey { get; set; }

    /// <summary>A file holding the base64 checkpoint key (a mounted secret).</summary>
    public string? CheckpointKeyFile { get; set; }

    /// <summary>Security events (everything but record changes) are purged after this. Default 90 days.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan SecurityEventRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Audit events of record changes (<c>data.changed</c>) are purged after this. Default 365 days.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "36500.00:00:00")]
    public TimeSpan AuditEventRetention { get; set; } = TimeSpan.FromDays(365);

    /// <summary>
    /// How often the in-process retention job runs; 0 turns it off (then run the <c>purge-audit</c>
    /// verb from a timer, e.g. on PostgreSQL with a role that may delete audit rows). Default 1 day.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromDays(1);
}
