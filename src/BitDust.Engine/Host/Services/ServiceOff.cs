namespace BitDust.Engine.Host.Services;

/// <summary>Why a service is not running (<c>off_because</c> in <c>/service/list/v1</c>).</summary>
public enum ServiceOff
{
    /// <summary><c>services/NAME/enabled</c> is false.</summary>
    SwitchedOff,

    /// <summary>A service it never runs beside is running.</summary>
    Conflict,

    /// <summary>A service it depends on is not running.</summary>
    DependencyOff,

    /// <summary>Its start threw: the reason says what went wrong.</summary>
    Failed,

    /// <summary>Stopped: on request, or with the node.</summary>
    Stopped,
}
