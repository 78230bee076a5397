using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using BitDust.Fs.Fuse;

namespace BitDust.Fs.Tests.Fuse;

/// <summary>
/// Our declarations of libfuse's and libc's structures against the installed C headers: a C program compiled here with gcc
/// prints every size, offset and constant we rely on, and each must equal ours. A wrong offset would corrupt memory or call
/// the wrong function in the mount; this is where it shows instead.
/// </summary>
public sealed class FuseLayoutTests
{
    private static readonly Lazy<Dictionary<string, long>> Header = new(CompileAndRun);

    // fuse_operations in fuse.h order: our field at index i must be the C member at index i.
    private static readonly string[] OperationNames =
    [
        "getattr", "readlink", "mknod", "mkdir", "unlink", "rmdir", "symlink", "rename", "link", "chmod", "chown", "truncate", "open",
        "read", "write", "statfs", "flush", "release", "fsync", "setxattr", "getxattr", "listxattr", "removexattr", "opendir", "readdir",
        "releasedir", "fsyncdir", "init", "destroy", "access", "create", "lock", "utimens", "bmap", "ioctl", "poll", "write_buf",
        "read_buf", "flock", "fallocate", "copy_file_range", "lseek",
    ];

    public static TheoryData<string, string, string> Fields() => new()
    {
        { nameof(Stat), "stat", "st_dev=Device st_ino=Inode st_nlink=Links st_mode=Mode st_uid=Uid st_gid=Gid st_rdev=RawDevice st_size=Size st_blksize=BlockSize st_blocks=Blocks st_atim=Accessed st_mtim=Modified st_ctim=Changed" },
        { nameof(StatVfs), "statvfs", "f_bsize=BlockSize f_frsize=FragmentSize f_blocks=Blocks f_bfree=BlocksFree f_bavail=BlocksAvailable f_files=Files f_ffree=FilesFree f_favail=FilesAvailable f_fsid=FileSystemId f_flag=Flags f_namemax=NameMax" },
        { nameof(TimeSpec), "timespec", "tv_sec=Seconds tv_nsec=Nanoseconds" },
        { nameof(FuseFileInfo), "fuse_file_info", "flags=Flags fh=Handle lock_owner=LockOwner poll_events=PollEvents" },
        { nameof(FuseConfig), "fuse_config", "entry_timeout=EntryTimeout negative_timeout=NegativeTimeout attr_timeout=AttributeTimeout hard_remove=HardRemove use_ino=UseInode kernel_cache=KernelCache auto_cache=AutoCache nullpath_ok=NullPathOk" },
        { nameof(FuseConnInfo), "fuse_conn_info", "proto_major=ProtocolMajor proto_minor=ProtocolMinor max_write=MaxWrite max_read=MaxRead max_readahead=MaxReadahead capable=Capable want=Want" },
        { nameof(FuseArgs), "fuse_args", "argc=Count argv=Values allocated=Allocated" },
        { nameof(FuseContext), "fuse_context", "fuse=Fuse uid=Uid gid=Gid pid=Pid private_data=PrivateData" },
        { nameof(FuseLoopConfigV1), "fuse_loop_config_v1", "clone_fd=CloneFd max_idle_threads=MaxIdleThreads" },
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public void Every_field_we_declare_sits_where_the_C_header_puts_it(string ours, string c, string fields)
    {
        var type = typeof(FuseMount).Assembly.GetType($"BitDust.Fs.Fuse.{ours}", throwOnError: true)!;
        var problems = new List<string>();
        foreach (var pair in fields.Split(' '))
        {
            var (member, field) = (pair.Split('=')[0], pair.Split('=')[1]);
            var expected = Header.Value[$"{c}.{member}"];
            var actual = (long)Marshal.OffsetOf(type, field);
            if (actual != expected)
                problems.Add($"{ours}.{field} at {actual}, {c}.{member} at {expected}");
        }
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData(nameof(Stat), "stat")]
    [InlineData(nameof(StatVfs), "statvfs")]
    [InlineData(nameof(TimeSpec), "timespec")]
    [InlineData(nameof(FuseFileInfo), "fuse_file_info")]
    [InlineData(nameof(FuseConfig), "fuse_config")]
    [InlineData(nameof(FuseConnInfo), "fuse_conn_info")]
    [InlineData(nameof(FuseArgs), "fuse_args")]
    [InlineData(nameof(FuseLoopConfigV1), "fuse_loop_config_v1")]
    [InlineData(nameof(FuseOperations), "fuse_operations")]
    public void Every_structure_is_as_large_as_in_C(string ours, string c)
    {
        var type = typeof(FuseMount).Assembly.GetType($"BitDust.Fs.Fuse.{ours}", throwOnError: true)!;
        Assert.Equal(Header.Value[$"{c}"], Marshal.SizeOf(type));
    }

    [Fact]
    public void The_operations_table_has_each_callback_in_its_C_slot()
    {
        var slots = typeof(FuseOperations).GetFields().Where(f => !f.IsLiteral).ToArray();
        Assert.Equal(OperationNames.Length, slots.Length);
        Assert.Equal(FuseOperations.Count, slots.Length);
        var problems = slots.Select((slot, i) => (Slot: slot.Name, C: OperationNames[i], Ours: (long)Marshal.OffsetOf<FuseOperations>(slot.Name)))
            .Where(s => s.Ours != Header.Value[$"fuse_operations.{s.C}"])
            .Select(s => $"{s.Slot} at {s.Ours}, {s.C} at {Header.Value[$"fuse_operations.{s.C}"]}");
        Assert.Empty(problems);
    }

    [Fact]
    public void The_constants_and_bit_fields_we_use_are_the_headers()
    {
        Assert.Equal(FuseCallbacks.UtimeNow, Header.Value["UTIME_NOW"]);
        Assert.Equal(FuseCallbacks.UtimeOmit, Header.Value["UTIME_OMIT"]);
        Assert.Equal(FuseCallbacks.WritebackCapability, Header.Value["FUSE_CAP_WRITEBACK_CACHE"]);
        // The bit fields after flags are one 32-bit word in our struct; C must not have moved fh behind a second one.
        Assert.Equal(Header.Value["fuse_file_info.fh"], Marshal.OffsetOf<FuseFileInfo>(nameof(FuseFileInfo.Handle)));
        Assert.Equal(16, Unsafe.SizeOf<TimeSpec>());
    }

    private static Dictionary<string, long> CompileAndRun()
    {
        var folder = Directory.CreateTempSubdirectory("bitdust-fuse-layout-").FullName;
        try
        {
            var source = Path.Combine(folder, "layout.c");
            File.WriteAllText(source, Program());
            var binary = Path.Combine(folder, "layout");
            var (flagsExit, flags) = Run("pkg-config", "--cflags", "fuse3");
            Assert.True(flagsExit == 0, $"pkg-config --cflags fuse3 failed (apt-get install -y libfuse3-dev pkg-config): {flags}");
            var (built, compiler) = Run("gcc", [.. flags.Split(' ', StringSplitOptions.RemoveEmptyEntries), "-o", binary, source]);
            Assert.True(built == 0, $"gcc could not compile the layout probe: {compiler}");
            var (ran, printed) = Run(binary);
            Assert.True(ran == 0, $"the layout probe failed: {printed}");
            return printed.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' '))
                .ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Program()
    {
        var lines = new StringBuilder();
        void Size(string c, string type) => lines.Append(CultureInfo.InvariantCulture, $"    printf(\"{c} %zu\\n\", sizeof({type}));\n");
        void Offset(string c, string type, string member) =>
            lines.Append(CultureInfo.InvariantCulture, $"    printf(\"{c}.{member} %zu\\n\", offsetof({type}, {member}));\n");
        foreach (var row in Fields())
        {
            var c = (string)row[1];
            var type = c is "stat" or "statvfs" or "timespec" or "fuse_file_info" or "fuse_config" or "fuse_conn_info" or "fuse_args"
                or "fuse_context" or "fuse_loop_config_v1" ? $"struct {c}" : c;
            Size(c, type);
            foreach (var pair in ((string)row[2]).Split(' '))
                Offset(c, type, pair.Split('=')[0]);
        }
        Size("fuse_operations", "struct fuse_operations");
        foreach (var name in OperationNames)
            Offset("fuse_operations", "struct fuse_operations", name);
        lines.Append("    printf(\"UTIME_NOW %ld\\n\", (long)UTIME_NOW);\n");
        lines.Append("    printf(\"UTIME_OMIT %ld\\n\", (long)UTIME_OMIT);\n");
        lines.Append("    printf(\"FUSE_CAP_WRITEBACK_CACHE %ld\\n\", (long)FUSE_CAP_WRITEBACK_CACHE);\n");
        return $$"""
            #define FUSE_USE_VERSION 312
            #include <fuse.h>
            #include <stddef.h>
            #include <stdio.h>
            #include <sys/stat.h>
            #include <sys/statvfs.h>
            int main(void)
            {
            {{lines}}    return 0;
            }
            """;
    }

    private static (int ExitCode, string Output) Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill();
            return (-1, $"{program} did not finish within a minute");
        }
        return (process.ExitCode, (output.GetAwaiter().GetResult() + error.GetAwaiter().GetResult()).Trim());
    }
}
