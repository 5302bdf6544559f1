namespace Kiosk.Core.Checkpoint;

/// <summary>The visitor's screen. Implementations never throw: a failing sink raises <c>display_fault</c> itself.</summary>
public interface IScreen
{
    /// <summary>Shows the prompt (drawn by the screen, never with a color).</summary>
    void Show(VisitorPrompt prompt);
}
