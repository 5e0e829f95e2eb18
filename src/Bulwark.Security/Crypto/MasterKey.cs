using System.Security.Cryptography;
using System.Text;
using Bulwark.Security.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bulwark.Security.Crypto;

/// <summary>
/// DATA-5: loads a 256-bit secret from configuration (base64 value, or a file holding it). In Development
/// only, a missing secret is generated into the data folder, marked as a development key; outside
/// Development a missing, malformed or development secret stops the host, naming the setting.
/// </summary>
public static partial class MasterKey
{
    /// <summary>Prefix of generated development key files; such a key is refused outside Development.</summary>
    public const string DevelopmentMarker = "bulwark-development-key:";

    public const int KeyBytes = 32;

    /// <summary>The reason a configured secret is unusable here, or null when it loads.</summary>
    public static string? Problem(string? value, string? file, string settingPath, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        try
        {
            if (string.IsNullOrWhiteSpace(value) && string.IsNullOrWhiteSpace(file))
            {
                return environment.IsDevelopment()
                    ? null
                    : $"{settingPath} (or {settingPath}File) is required outside Development: base64 of {KeyBytes} random bytes.";
            }

            var text = string.IsNullOrWhiteSpace(value) ? File.ReadAllText(file!) : value;
            if (text.TrimStart().StartsWith(DevelopmentMarker, StringComparison.Ordinal) && !environment.IsDevelopment())
            {
                return $"{settingPath} is a generated development key; supply a real secret outside Development.";
            }

            _ = Decode(text, settingPath);
            return null;
        }
        catch (IOException)
        {
            return $"{settingPath}File cannot be read.";
        }
        catch (UnauthorizedAccessException)
        {
            return $"{settingPath}File cannot be read.";
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    /// <summary>Loads the secret; in Development generates <paramref name="developmentFileName"/> in the data folder if none is configured.</summary>
    public static byte[] Load(string? value, string? file, string settingPath, IHostEnvironment environment,
        BulwarkDataDirectory dataDirectory, string developmentFileName, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(dataDirectory);
        var problem = Problem(value, file, settingPath, environment);
        if (problem is not null)
        {
            throw new InvalidOperationException(problem);
        }

        if (!string.IsNullOrWhiteSpace(value))
        {
            return Decode(value, settingPath);
        }

        if (!string.IsNullOrWhiteSpace(file))
        {
            return Decode(File.ReadAllText(file), settingPath);
        }

        var path = dataDirectory.Combine(developmentFileName);
        if (!File.Exists(path))
        {
            WriteOwnerOnly(path, DevelopmentMarker + Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes)) + "\n");
            LogGenerated(logger, settingPath, path);
        }

        return Decode(File.ReadAllText(path), settingPath);
    }

    private static byte[] Decode(string text, string settingPath)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith(DevelopmentMarker, StringComparison.Ordinal))
        {
            trimmed = trimmed[DevelopmentMarker.Length..];
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(trimmed);
        }
        catch (FormatException)
        {
            throw new FormatException($"{settingPath} is not valid base64.");
        }

        if (key.Length != KeyBytes)
        {
            throw new FormatException($"{settingPath} must decode to {KeyBytes} bytes (256 bits), not {key.Length}.");
        }

        if (key.All(b => b == key[0]))
        {
            throw new FormatException($"{settingPath} is a constant placeholder, not a random key.");
        }

        return key;
    }

    internal static void WriteOwnerOnly(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var writer = new StreamWriter(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options);
            writer.Write(content);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another instance created it first; use theirs.
        }
    }

    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning,
        Message = "DEVELOPMENT KEY: {Setting} is not configured, so a key was generated at {Path}. Values encrypted with it are unreadable without that file. Never use it outside Development.")]
    private static partial void LogGenerated(ILogger logger, string setting, string path);
}
