using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Krakow.Modules.Maps.Infrastructure.Plugins;

/// <summary>
/// A plugin folder's files as the host sees them: a fingerprint (every file's relative path, size and last write
/// time) that tells whether anything changed, and the shadow copy a plugin is loaded from. Loading from a copy
/// means the files in the plugins directory can be replaced or deleted at any time, even while the plugin runs
/// (an assembly is mapped from its file; overwriting that file in place would corrupt the running code), and that
/// what was checked is exactly what runs.
/// </summary>
internal static class PluginFolder
{
    /// <summary>More files than this in one plugin folder and it is refused (the shipped plugins have four or five).</summary>
    public const int MaxFiles = 4096;

    /// <summary>More bytes than this in one plugin folder and it is refused.</summary>
    public const long MaxBytes = 512L * 1024 * 1024;

    private const int CopyAttempts = 3;

    /// <summary>
    /// The folder's fingerprint, or null when the folder does not exist. A folder that cannot be read completely
    /// (it is being changed) gets a fingerprint of its own each time, so it never looks settled.
    /// </summary>
    public static string? Fingerprint(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }

        try
        {
            var lines = new List<string>();
            foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", Enumerate))
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{Path.GetRelativePath(folder, file.FullName)}|{file.Length}|{file.LastWriteTimeUtc.Ticks}"));
                if (lines.Count > MaxFiles)
                {
                    break;
                }
            }

            lines.Sort(StringComparer.Ordinal);
            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Directory.Exists(folder) ? "unreadable:" + Guid.NewGuid().ToString("N") : null;
        }
    }

    /// <summary>
    /// Copies <paramref name="folder"/> into <paramref name="target"/> (which must not exist), checking that nothing
    /// changed meanwhile (else it tries again). Links are followed only when they stay inside the folder.
    /// </summary>
    /// <returns>The fingerprint of what was copied.</returns>
    /// <exception cref="PluginRejectedException">Too many files or bytes, a link leading out, or the folder kept changing.</exception>
    public static string Copy(string folder, string target)
    {
        for (var attempt = 1; ; attempt++)
        {
            var before = Fingerprint(folder) ?? throw PluginRejectedException.Failed("the plugin folder does not exist");
            try
            {
                CopyOnce(folder, target);
                if (Fingerprint(folder) == before)
                {
                    return before;
                }
            }
            catch (IOException) when (attempt < CopyAttempts)
            {
                // A file went away or was locked while being copied: the folder is changing; look again.
            }
            catch (IOException ex)
            {
                TryDelete(target);
                throw PluginRejectedException.Failed($"the plugin folder could not be copied: {ex.Message}");
            }

            TryDelete(target);
            if (attempt >= CopyAttempts)
            {
                throw PluginRejectedException.Failed("the plugin folder kept changing while it was being copied; it is loaded again once it settles");
            }
        }
    }

    /// <summary>Deletes a shadow folder, if it can (false while a file in it is still held, as on Windows).</summary>
    public static bool TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// The folder this host keeps its shadow copies in, under <paramref name="shadowRoot"/>; folders left there by
    /// hosts that no longer run are deleted on the way.
    /// </summary>
    public static string CreateProcessShadowRoot(string shadowRoot)
    {
        Directory.CreateDirectory(shadowRoot);
        foreach (var stale in Directory.EnumerateDirectories(shadowRoot))
        {
            var name = Path.GetFileName(stale);
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && int.TryParse(name.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != Environment.ProcessId && !IsRunning(pid))
            {
                TryDelete(stale);
            }
        }

        var root = Path.Combine(shadowRoot, string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}-{Guid.NewGuid():N}"));
        Directory.CreateDirectory(root);
        return root;
    }

    private static readonly EnumerationOptions Enumerate = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = false,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    private static void CopyOnce(string folder, string target)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;
        var files = 0;
        long bytes = 0;
        Directory.CreateDirectory(target);
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos("*", Enumerate))
        {
            var relative = Path.GetRelativePath(folder, entry.FullName);
            if (entry is DirectoryInfo directory)
            {
                if (directory.LinkTarget is not null)
                {
                    throw PluginRejectedException.Failed($"{relative} is a link to a folder; a plugin folder holds plain files and folders");
                }

                Directory.CreateDirectory(Path.Combine(target, relative));
                continue;
            }

            var file = (FileInfo)entry;
            if (file.LinkTarget is not null)
            {
                var resolved = file.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
                if (resolved is null || !resolved.StartsWith(root, StringComparison.Ordinal))
                {
                    throw PluginRejectedException.Failed($"{relative} is a link to a file outside the plugin's folder");
                }
            }

            if (++files > MaxFiles)
            {
                throw PluginRejectedException.Failed($"the plugin folder holds more than {MaxFiles} files");
            }

            bytes += file.Length;
            if (bytes > MaxBytes)
            {
                throw PluginRejectedException.Failed($"the plugin folder holds more than {MaxBytes} bytes");
            }

            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file.FullName, destination, overwrite: true);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
