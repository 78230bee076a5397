using System.Runtime.Versioning;

// Integration tests start daemons, mount FUSE and create network namespaces: Linux only.
[assembly: SupportedOSPlatform("linux")]
