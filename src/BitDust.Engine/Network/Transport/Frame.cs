namespace BitDust.Engine.Network.Transport;

/// <summary>One frame read off the wire; the payload is a copy the frame owns.</summary>
internal readonly record struct Frame(FrameType Type, uint Id, byte[] Payload);
