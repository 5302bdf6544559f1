namespace Kiosk.Core;

/// <summary>An age as a technician reads it, the same on the kiosk's status strip and in <c>kiosk fleet</c>.</summary>
public static class AgeText
{
    /// <summary><c>45 s</c>, <c>12 min</c>, <c>5 h</c>, <c>3 d</c>; a negative age is <c>0 s</c>.</summary>
    public static string Short(TimeSpan age)
    {
        if (age < TimeSpan.Zero)
        {
            return "0 s";
        }

        return age.TotalSeconds < 60 ? $"{(int)age.TotalSeconds} s"
            : age.TotalMinutes < 60 ? $"{(int)age.TotalMinutes} min"
            : age.TotalHours < 48 ? $"{(int)age.TotalHours} h"
            : $"{(int)age.TotalDays} d";
    }
}
