namespace Kiosk.Core.Checkpoint;

/// <summary>The visitor's screen. Implementations never throw: a failing sink raises <c>display_fault</c> itself.</summary>
public interface IScreen
{
    /// <summary>Shows the prompt (drawn by the screen, never with a color).</summary>
    void Show(VisitorPrompt prompt);

    /// <summary>
    /// Draws the prompt now shown again with fresh state (the strip's clock, link and data age): the same screen, so
    /// it is not announced again. A screen that speaks overrides this; the default shows it.
    /// </summary>
    void Redraw(VisitorPrompt prompt) => Show(prompt);
}
