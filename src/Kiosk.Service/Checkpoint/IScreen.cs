using Kiosk.Display;

namespace Kiosk.Service.Checkpoint;

/// <summary>The visitor's screen. Implementations never throw: a failing sink raises <c>display_fault</c> itself.</summary>
public interface IScreen
{
    void Show(ScreenModel model);

    /// <summary>The screen now shown, for the fleet <c>screenshot</c> command.</summary>
    ScreenModel? Current { get; }
}
