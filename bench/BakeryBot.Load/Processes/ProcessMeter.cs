using System.Diagnostics;
using System.Globalization;

namespace BakeryBot.Load.Processes;

/// <summary>CPU time and resident memory of a process, from Linux's /proc.</summary>
public sealed class ProcessMeter(int pid)
{
    /// <summary>Kernel ticks per second of /proc/&lt;pid&gt;/stat's times (USER_HZ: 100 on every Linux .NET runs on).</summary>
    private const double TicksPerSecond = 100;

    public int Pid => pid;

    /// <summary>User plus system CPU time so far (utime + stime of /proc/&lt;pid&gt;/stat).</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((utime + stime) / TicksPerSecond);
    }

    /// <summary>Resident memory now (VmRSS), in bytes.</summary>
    public long ResidentBytes() => StatusKilobytes("VmRSS:") * 1024;

    /// <summary>Peak resident memory (VmHWM) since the start or the last <see cref="ResetPeak"/>, in bytes.</summary>
    public long PeakResidentBytes() => StatusKilobytes("VmHWM:") * 1024;

    /// <summary>Starts the peak over (writing 5 to clear_refs); false where the kernel does not allow it.</summary>
    public bool ResetPeak()
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private long StatusKilobytes(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no {field}");
    }

    /// <summary>Starts measuring a phase: CPU from now, peak memory from now (when the kernel lets it be reset).</summary>
    public Window Start() => new(this, CpuTime(), Stopwatch.GetTimestamp(), ResetPeak());

    /// <summary>A phase being measured.</summary>
    public sealed class Window(ProcessMeter meter, TimeSpan cpuAtStart, long startedAt, bool peakReset)
    {
        /// <summary>CPU cores used on average since the start (1.0 = one core busy all the time).</summary>
        public double Cores()
        {
            var wall = Stopwatch.GetElapsedTime(startedAt);
            return wall <= TimeSpan.Zero ? 0 : (meter.CpuTime() - cpuAtStart) / wall;
        }

        /// <summary>Peak resident memory in the window (since the process started where the peak could not be reset), in MB.</summary>
        public double PeakMegabytes() => meter.PeakResidentBytes() / 1048576.0;

        public bool PeakIsForTheWindow => peakReset;
    }
}
