using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Bulwark.Erp.Backup;

/// <summary>A backup file that is not this format, was encrypted with another key, or was altered/truncated.</summary>
public sealed class BackupFileException(string message) : Exception(message)
{
    public BackupFileException()
        : this("The backup file is invalid.")
    {
    }

    public BackupFileException(string message, Exception innerException)
        : this(message + " " + innerException?.Message)
    {
    }
}

/// <summary>
/// DATA-4: the encrypted, authenticated backup container. Layout:
/// <c>"BWKBAK01" | salt[32] | keyCheck[32] | chunk*</c>, each chunk <c>length[4, big-endian] | AES-256-GCM(ciphertext | tag[16])</c>.
/// The file key is HKDF-SHA256(backup key, salt); chunk <c>i</c> uses nonce <c>0x00000000 | i[8]</c> and associated
/// data <c>header | i | final-flag</c>, so any flipped byte, reordered, dropped or appended chunk, or a truncated
/// file fails authentication. <c>keyCheck</c> = HMAC-SHA256(backup key, salt) tells "wrong key" from "altered".
/// </summary>
internal static class BackupFile
{
    private const int ChunkBytes = 64 * 1024;
    private const int TagBytes = 16;
    private static readonly byte[] Magic = "BWKBAK01"u8.ToArray();
    private static readonly int HeaderBytes = Magic.Length + 32 + 32;

    public static async Task WriteAsync(Stream output, byte[] backupKey, IEnumerable<string> lines, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderBytes];
        Magic.CopyTo(header, 0);
        var salt = header.AsMemory(Magic.Length, 32);
        RandomNumberGenerator.Fill(salt.Span);
        HMACSHA256.HashData(backupKey, salt.Span).CopyTo(header.AsSpan(Magic.Length + 32));
        await output.WriteAsync(header, cancellationToken);
        var fileKey = FileKey(backupKey, salt.Span);

        var buffer = new MemoryStream();
        long index = 0;
        foreach (var line in lines)
        {
            var bytes = Encoding.UTF8.GetBytes(line + "\n");
            buffer.Write(bytes);
            if (buffer.Length >= ChunkBytes)
            {
                await WriteChunkAsync(output, fileKey, header, index++, buffer.ToArray(), final: false, cancellationToken);
                buffer.SetLength(0);
            }
        }

        await WriteChunkAsync(output, fileKey, header, index, buffer.ToArray(), final: true, cancellationToken);
        CryptographicOperations.ZeroMemory(fileKey);
    }

    /// <summary>Decrypts and authenticates the whole file, returning its lines; throws <see cref="BackupFileException"/> otherwise.</summary>
    public static async Task<IReadOnlyList<string>> ReadAsync(Stream input, byte[] backupKey, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderBytes];
        if (await input.ReadAtLeastAsync(header, HeaderBytes, throwOnEndOfStream: false, cancellationToken) < HeaderBytes
            || !header.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new BackupFileException("not a Bulwark backup file (unknown format).");
        }

        var salt = header.AsSpan(Magic.Length, 32);
        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(backupKey, salt), header.AsSpan(Magic.Length + 32, 32)))
        {
            throw new BackupFileException("wrong backup key (Bulwark:Backup:Key does not match the key this file was written with).");
        }

        var fileKey = FileKey(backupKey, salt);
        var plain = new MemoryStream();
        var lengthBytes = new byte[4];
        for (long index = 0; ; index++)
        {
            if (await input.ReadAtLeastAsync(lengthBytes, 4, throwOnEndOfStream: false, cancellationToken) < 4)
            {
                throw new BackupFileException("the file is truncated or altered (authentication failed).");
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(lengthBytes);
            if (length < TagBytes || length > ChunkBytes * 2 + TagBytes)
            {
                throw new BackupFileException("the file is altered (authentication failed).");
            }

            var chunk = new byte[length];
            if (await input.ReadAtLeastAsync(chunk, length, throwOnEndOfStream: false, cancellationToken) < length)
            {
                throw new BackupFileException("the file is truncated or altered (authentication failed).");
            }

            var clear = new byte[length - TagBytes];
            var final = await input.ReadAtLeastAsync(new byte[1], 1, throwOnEndOfStream: false, cancellationToken) switch
            {
                0 => true,
                _ => false,
            };
            if (!final)
            {
                input.Seek(-1, SeekOrigin.Current);
            }

            try
            {
                using var aes = new AesGcm(fileKey, TagBytes);
                aes.Decrypt(Nonce(index), chunk.AsSpan(0, clear.Length), chunk.AsSpan(clear.Length), clear, Aad(header, index, final));
            }
            catch (AuthenticationTagMismatchException)
            {
                throw new BackupFileException("the file is altered or truncated (authentication failed).");
            }

            plain.Write(clear);
            if (final)
            {
                break;
            }
        }

        CryptographicOperations.ZeroMemory(fileKey);
        return Encoding.UTF8.GetString(plain.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static async Task WriteChunkAsync(Stream output, byte[] fileKey, byte[] header, long index, byte[] clear, bool final,
        CancellationToken cancellationToken)
    {
        var sealedBytes = new byte[clear.Length + TagBytes];
        using (var aes = new AesGcm(fileKey, TagBytes))
        {
            aes.Encrypt(Nonce(index), clear, sealedBytes.AsSpan(0, clear.Length), sealedBytes.AsSpan(clear.Length), Aad(header, index, final));
        }

        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, sealedBytes.Length);
        await output.WriteAsync(length, cancellationToken);
        await output.WriteAsync(sealedBytes, cancellationToken);
    }

    private static byte[] FileKey(byte[] backupKey, ReadOnlySpan<byte> salt) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, backupKey, 32, salt.ToArray(), "bulwark/backup/v1"u8.ToArray());

    private static byte[] Nonce(long index)
    {
        var nonce = new byte[12];
        BinaryPrimitives.WriteInt64BigEndian(nonce.AsSpan(4), index);
        return nonce;
    }

    private static byte[] Aad(byte[] header, long index, bool final)
    {
        var aad = new byte[header.Length + 9];
        header.CopyTo(aad, 0);
        BinaryPrimitives.WriteInt64BigEndian(aad.AsSpan(header.Length), index);
        aad[^1] = final ? (byte)1 : (byte)0;
        return aad;
    }
}
