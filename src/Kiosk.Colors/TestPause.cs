namespace Kiosk.Colors;

/// <summary>
/// FOR TESTS ONLY: holds a color store writer just before or just after it takes SQLite's write lock, so a test can
/// start a second <c>kiosk colors import</c> exactly inside that window (two processes writing one store). Each
/// variable names a gate file: when set, the writer prints one line <c>test pause: ...</c> to standard error and waits
/// until the file exists (at most 2 minutes). Read once per process; unset (production) it does nothing.
/// <list type="bullet">
/// <item><c>KIOSK_TEST_PAUSE_BEFORE_LOCK</c>: after the decision, before <c>BEGIN IMMEDIATE</c>.</item>
/// <item><c>KIOSK_TEST_PAUSE_AFTER_LOCK</c>: holding the write lock, before anything is read or written.</item>
/// </list>
/// </summary>
internal static class TestPause
{
    private static readonly string? BeforeLockGate = Environment.GetEnvironmentVariable("KIOSK_TEST_PAUSE_BEFORE_LOCK");
    private static readonly string? AfterLockGate = Environment.GetEnvironmentVariable("KIOSK_TEST_PAUSE_AFTER_LOCK");

    public static void BeforeLock() => Wait(BeforeLockGate, "before the write lock");

    public static void AfterLock() => Wait(AfterLockGate, "holding the write lock");

    private static void Wait(string? gate, string where)
    {
        if (string.IsNullOrEmpty(gate))
        {
            return;
        }

        Console.Error.WriteLine($"test pause: {where}");
        Console.Error.Flush();
        for (var waited = 0; waited < 120_000 && !File.Exists(gate); waited += 20)
        {
            Thread.Sleep(20);
        }
    }
}
