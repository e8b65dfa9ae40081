import Vapor

/// The query string's parameters, parsed once per request. `req.query[String.self, at:]` parses the
/// whole query string again for every name it is asked for; a list with nine filters and paging asked
/// eleven times, a twentieth of the page's time.
struct QueryParameters: Sendable {
    private var values: [String: String] = [:]

    init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), !name.isEmpty else { continue }
            // The first value of a repeated name wins, as it does for `req.query`.
            if values[name] == nil { values[name] = parts.count > 1 ? Self.decode(parts[1]) ?? "" : "" }
        }
    }

    subscript(_ name: String) -> String? { values[name] }

    /// Every parameter and its (first) value.
    var all: [String: String] { values }

    func int(_ name: String) -> Int? { values[name].flatMap { Int($0.trimmed) } }

    /// Form encoding: `+` is a space, then percent-escapes; malformed escapes make the value absent.
    private static func decode(_ part: Substring) -> String? {
        part.contains("+") || part.contains("%")
            ? part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            : String(part)
    }
}

extension Request {
    private struct QueryParametersKey: StorageKey { typealias Value = QueryParameters }

    /// The query string's parameters, parsed on first use.
    var queryParameters: QueryParameters {
        if let parsed = storage[QueryParametersKey.self] { return parsed }
        let parsed = QueryParameters(url.query)
        storage[QueryParametersKey.self] = parsed
        return parsed
    }
}
