import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Stops the server's listening socket from accepting, leaving every accepted connection open.
///
/// Vapor's shutdown stops accepting and closes idle kept-alive connections in one step, and closing a
/// connection the server thinks idle resets a request the client has just sent on it (issue 17 §6).
/// Stopping the listener first — while the accepted connections are still served, each answer asking
/// the client to close — lets every client finish its request and close its own connection; a client
/// that tries to open a new one is refused before it sends anything. Vapor gives no handle on its
/// listening channel, so the socket is found among the process's descriptors: the one listening on
/// the server's port. `shutdown(SHUT_RD)` on a listening TCP socket stops it listening (Linux).
enum ListenerShutdown {
    /// Returns how many listening sockets on `port` were stopped.
    @discardableResult
    static func stopAccepting(port: Int) -> Int {
        #if os(Linux)
            guard let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else {
                return 0
            }
            var stopped = 0
            for name in descriptors {
                guard let fd = Int32(name), isListening(fd), boundPort(fd) == port else { continue }
                if shutdown(fd, Int32(SHUT_RD)) == 0 { stopped += 1 }
            }
            return stopped
        #else
            return 0
        #endif
    }

    #if os(Linux)
        private static func isListening(_ fd: Int32) -> Bool {
            var accepting: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) == 0 && accepting == 1
        }

        private static func boundPort(_ fd: Int32) -> Int? {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let found = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            guard found == 0 else { return nil }
            switch Int32(storage.ss_family) {
            case AF_INET:
                return withUnsafePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                        Int(UInt16(bigEndian: $0.pointee.sin_port))
                    }
                }
            case AF_INET6:
                return withUnsafePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        Int(UInt16(bigEndian: $0.pointee.sin6_port))
                    }
                }
            default:
                return nil
            }
        }
    #endif
}
