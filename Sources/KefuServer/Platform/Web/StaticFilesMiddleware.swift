import Vapor

/// Serves our own CSS, JavaScript and icon from `Public/`. Only those paths reach the file system:
/// every other request skips the lookup (a file-system call per page and API request costs time,
/// and keeps the attack surface of path handling small).
struct StaticFilesMiddleware: AsyncMiddleware {
    static let prefixes = ["/css/", "/js/", "/img/"]
    static let files: Set<String> = ["/favicon.svg", "/robots.txt"]

    let files: FileMiddleware

    init(publicDirectory: String) {
        files = FileMiddleware(publicDirectory: publicDirectory, defaultFile: nil)
    }

    static func isAsset(_ path: String) -> Bool {
        files.contains(path) || prefixes.contains(where: path.hasPrefix)
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .GET || request.method == .HEAD, Self.isAsset(request.url.path) else {
            return try await next.respond(to: request)
        }
        let response = try await files.respond(to: request, chainingTo: next)
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return response
    }
}
