// The engine supervises POSIX process groups; its tests run real processes on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
