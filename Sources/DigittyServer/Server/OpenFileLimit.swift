#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit of open files, each connection being one. Linux starts a process with a soft limit of
/// 1,024 however high the hard limit is; a server that keeps it runs out of descriptors after about a thousand
/// connections, and then cannot even accept the next one to close it.
enum OpenFileLimit {
    /// Raises the soft limit to the hard limit and returns the soft limit in force afterwards.
    @discardableResult
    static func raiseToHardLimit() -> Int {
        var limit = rlimit()
        guard get(&limit) else { return current }
        var raised = limit
        #if canImport(Darwin)
        raised.rlim_cur = min(raised.rlim_max, rlim_t(OPEN_MAX))
        #else
        raised.rlim_cur = raised.rlim_max
        #endif
        if raised.rlim_cur > limit.rlim_cur { _ = set(&raised) }
        return current
    }

    /// The soft limit now.
    static var current: Int {
        var limit = rlimit()
        guard get(&limit) else { return 1024 }
        return limit.rlim_cur >= rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
    }

    #if canImport(Glibc)
    private static func get(_ limit: inout rlimit) -> Bool { getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 }
    private static func set(_ limit: inout rlimit) -> Bool { setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 }
    #else
    private static func get(_ limit: inout rlimit) -> Bool { getrlimit(RLIMIT_NOFILE, &limit) == 0 }
    private static func set(_ limit: inout rlimit) -> Bool { setrlimit(RLIMIT_NOFILE, &limit) == 0 }
    #endif
}
