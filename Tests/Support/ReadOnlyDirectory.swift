#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Makes a directory refuse new entries — for tests of what happens when the token directory
/// cannot be written — and undoes it. A user is kept out with `chmod 500`; root ignores modes,
/// so as root the directory is made immutable (`chattr +i`, which root can do on ext4, xfs,
/// btrfs and tmpfs).
public enum ReadOnlyDirectory {
    /// Whether this machine can make a directory refuse writes for this user (root without
    /// `chattr`, or on a file system without the attribute, cannot).
    public static let isAvailable: Bool = {
        let probe = NSTemporaryDirectory() + "traktql-readonly-probe-\(getpid())-\(UUID().uuidString)"
        guard mkdir(probe, 0o700) == 0 else { return false }
        defer {
            unlock(probe)
            rmdir(probe)
        }
        guard lock(probe) else { return false }
        let file = probe + "/x"
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd >= 0 {
            close(fd)
            unlink(file)
            return false
        }
        return true
    }()

    /// Refuses new entries in `path`; true when it worked.
    @discardableResult
    public static func lock(_ path: String) -> Bool {
        if getuid() != 0 { return chmod(path, 0o500) == 0 }
        return chattr("+i", path)
    }

    /// Undoes ``lock(_:)``.
    public static func unlock(_ path: String) {
        if getuid() != 0 {
            chmod(path, 0o700)
        } else {
            _ = chattr("-i", path)
        }
    }

    private static func chattr(_ flag: String, _ path: String) -> Bool {
        for tool in ["/usr/bin/chattr", "/bin/chattr", "/sbin/chattr", "/usr/sbin/chattr"] where FileManager.default.isExecutableFile(atPath: tool) {
            guard let child = Spawn.start(tool, [flag, path]) else { return false }
            return Spawn.wait(child, timeout: 10) == 0
        }
        return false
    }
}
