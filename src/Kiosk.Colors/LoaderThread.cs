using System.Runtime.InteropServices;

namespace Kiosk.Colors;

/// <summary>
/// Runs the bulk work of a snapshot (a manifest's parts read, hashed, decoded and streamed into a
/// <see cref="SnapshotLoad"/>) on a dedicated thread of lower CPU priority, so decisions keep their pace while a province
/// loads (issue 22: a REFER within 20 % of idle during the apply). A dedicated thread, not the thread pool: a load
/// blocks for seconds to minutes, and two such blocked pool threads on a 2-core Pi starve the checkpoint's work until
/// the pool injects threads (hundreds of milliseconds per decision). On Linux the thread's nice value is raised by
/// <see cref="Nice"/> (<c>setpriority</c> on its thread id, allowed without privileges), so the scheduler serves the
/// kiosk's other threads first when both cores are busy; elsewhere <see cref="ThreadPriority.BelowNormal"/>.
/// </summary>
public static partial class LoaderThread
{
    /// <summary>How much the loader's nice value is raised above the process's (Linux).</summary>
    public const int Nice = 10;

    /// <summary>Starts <paramref name="work"/> on a new background thread of lower priority.</summary>
    /// <param name="work">The work; an exception it throws faults the returned task.</param>
    /// <param name="name">The thread's name (no personal data).</param>
    /// <returns>Completes when the work has returned or thrown (continuations run on the thread pool).</returns>
    public static Task Run(Action work, string name)
    {
        ArgumentNullException.ThrowIfNull(work);
        // Linux threads inherit the nice value of the thread that creates them, and the thread pool creates its workers
        // on the thread that queues work: the loader must not complete a task itself (its continuation would be queued,
        // and a worker possibly created, from the lowered thread, leaving the pool with a slow worker for good). It sets
        // an event; the pool's wait thread (registered here, by the caller) completes the task.
        var finished = new ManualResetEvent(false);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new Lock();
        RegisteredWaitHandle? registration = null;
        var fired = false;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                Lower();
                work();
            }
            catch (Exception ex)
            {
                error = ex;
            }
            finally
            {
                finished.Set();
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        var registered = ThreadPool.RegisterWaitForSingleObject(
            finished,
            (_, _) =>
            {
                lock (gate)
                {
                    fired = true;
                    registration?.Unregister(null);
                }

                finished.Dispose();
                if (error is not null)
                {
                    done.SetException(error);
                }
                else
                {
                    done.SetResult();
                }
            },
            null,
            Timeout.Infinite,
            executeOnlyOnce: true);
        lock (gate)
        {
            if (fired)
            {
                registered.Unregister(null);
            }
            else
            {
                registration = registered;
            }
        }

        thread.Start();
        return done.Task;
    }

    /// <summary>Lowers the calling thread's priority; false when the system refused (the work then runs at normal priority).</summary>
    private static bool Lower()
    {
        if (!OperatingSystem.IsLinux())
        {
            Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
            return true;
        }

        // The process's nice (its main thread's: PRIO_PROCESS with the process id) plus Nice, whichever thread starts the
        // loader (a loader started from a loader inherits the lowered value and stays at it).
        Marshal.SetLastPInvokeError(0);
        var process = GetPriority(PrioProcess, Environment.ProcessId);
        if (process == -1 && Marshal.GetLastPInvokeError() != 0)
        {
            return false;
        }

        var tid = GetTid();
        var target = Math.Min(19, process + Nice);
        return GetPriority(PrioProcess, tid) >= target || SetPriority(PrioProcess, tid, target) == 0;
    }

    // PRIO_PROCESS with a thread id: Linux applies it to that thread alone.
    private const int PrioProcess = 0;

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    private static partial int GetPriority(int which, int who);

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);
}
